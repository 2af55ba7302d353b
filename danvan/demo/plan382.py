"""Plan 382-KH/TĐTN-TCKT of the Trà Vinh province union (22/06/2021), as data, word for word.

The organisation tree is the 2021 one; usernames are the demo accounts of the README.
"""

from datetime import date

from danvan.orm import Field, Measure, UnitKind

# (key, parent key, kind, full name, short name, demo username or None)
UNITS = [
    ("tinhdoan", None, UnitKind.PROVINCE, "Tỉnh đoàn Trà Vinh", "Tỉnh đoàn", None),
    ("btv", "tinhdoan", UnitKind.STANDING_COMMITTEE, "Ban Thường vụ Tỉnh đoàn", "Ban Thường vụ", "btv"),
    ("vanphong", "tinhdoan", UnitKind.BOARD, "Văn phòng Tỉnh đoàn", "Văn phòng", "admin"),
    ("tckt", "tinhdoan", UnitKind.BOARD, "Ban Tổ chức – Kiểm tra Tỉnh đoàn", "Ban Tổ chức – Kiểm tra", "tckt"),
    ("tuyengiao", "tinhdoan", UnitKind.BOARD, "Ban Tuyên giáo Tỉnh đoàn", "Ban Tuyên giáo", "tuyengiao"),
    ("phongtrao", "tinhdoan", UnitKind.BOARD, "Ban Phong trào Tỉnh đoàn", "Ban Phong trào", "phongtrao"),
    ("thieunhi", "tinhdoan", UnitKind.BOARD, "Ban Thanh thiếu nhi – Trường học Tỉnh đoàn",
     "Ban Thanh thiếu nhi – Trường học", "thieunhi"),
    ("chidoancq", "tinhdoan", UnitKind.OFFICE_CELL, "Chi đoàn Cơ quan Tỉnh đoàn", "Chi đoàn Cơ quan", "chidoancq"),
    ("congdoancq", "tinhdoan", UnitKind.OFFICE_UNION, "Công đoàn cơ sở Cơ quan Tỉnh đoàn",
     "Công đoàn cơ sở Cơ quan", "congdoancq"),
    ("tptravinh", "tinhdoan", UnitKind.DISTRICT, "Thành đoàn Trà Vinh", "Thành đoàn Trà Vinh", "tptravinh"),
    ("txduyenhai", "tinhdoan", UnitKind.DISTRICT, "Thị đoàn Duyên Hải", "Thị đoàn Duyên Hải", "txduyenhai"),
    ("canglong", "tinhdoan", UnitKind.DISTRICT, "Huyện đoàn Càng Long", "Huyện đoàn Càng Long", "canglong"),
    ("cauke", "tinhdoan", UnitKind.DISTRICT, "Huyện đoàn Cầu Kè", "Huyện đoàn Cầu Kè", "cauke"),
    ("tieucan", "tinhdoan", UnitKind.DISTRICT, "Huyện đoàn Tiểu Cần", "Huyện đoàn Tiểu Cần", "tieucan"),
    ("chauthanh", "tinhdoan", UnitKind.DISTRICT, "Huyện đoàn Châu Thành", "Huyện đoàn Châu Thành", "chauthanh"),
    ("caungang", "tinhdoan", UnitKind.DISTRICT, "Huyện đoàn Cầu Ngang", "Huyện đoàn Cầu Ngang", "caungang"),
    ("tracu", "tinhdoan", UnitKind.DISTRICT, "Huyện đoàn Trà Cú", "Huyện đoàn Trà Cú", "tracu"),
    ("duyenhai", "tinhdoan", UnitKind.DISTRICT, "Huyện đoàn Duyên Hải", "Huyện đoàn Duyên Hải", "duyenhai"),
    ("dhtravinh", "tinhdoan", UnitKind.AFFILIATED, "Đoàn Trường Đại học Trà Vinh",
     "Đoàn Trường Đại học Trà Vinh", "dhtravinh"),
    ("congan", "tinhdoan", UnitKind.AFFILIATED, "Đoàn Thanh niên Công an tỉnh", "Đoàn Thanh niên Công an tỉnh",
     None),
    ("khoicq", "tinhdoan", UnitKind.AFFILIATED, "Đoàn Khối các cơ quan tỉnh", "Đoàn Khối các cơ quan tỉnh", None),
    ("danvantu", None, UnitKind.OUTSIDE, "Ban Dân vận Tỉnh ủy Trà Vinh", "Ban Dân vận Tỉnh ủy", "danvantu"),
    ("bcd", None, UnitKind.OUTSIDE,
     "Ban Chỉ đạo Quy chế dân chủ ở cơ sở và phong trào thi đua “Dân vận khéo” tỉnh Trà Vinh",
     "Ban Chỉ đạo QCDC tỉnh", None),
]

# Document code (ký hiệu) and place name of the units that issue plans and reports; the
# administrator sets these for a real tree (Quản trị › Tổ chức đơn vị).
DOCUMENT_CODES = {
    "tinhdoan": ("TĐTN", "Trà Vinh"), "btv": ("TĐTN", "Trà Vinh"), "tckt": ("TCKT", "Trà Vinh"),
    "vanphong": ("VP", "Trà Vinh"), "tuyengiao": ("TG", "Trà Vinh"), "phongtrao": ("PT", "Trà Vinh"),
    "thieunhi": ("TTN-TH", "Trà Vinh"), "chidoancq": ("CĐCQ", "Trà Vinh"), "congdoancq": ("CĐCS", "Trà Vinh"),
    "tptravinh": ("ThĐ", "Trà Vinh"), "txduyenhai": ("TXĐ", "Duyên Hải"), "canglong": ("HĐ", "Càng Long"),
    "cauke": ("HĐ", "Cầu Kè"), "tieucan": ("HĐ", "Tiểu Cần"), "chauthanh": ("HĐ", "Châu Thành"),
    "caungang": ("HĐ", "Cầu Ngang"), "tracu": ("HĐ", "Trà Cú"), "duyenhai": ("HĐ", "Duyên Hải"),
    "dhtravinh": ("ĐTN", "Trà Vinh"), "congan": ("ĐTN", "Trà Vinh"), "khoicq": ("ĐK", "Trà Vinh"),
}

ADMIN_USERNAMES = {"admin"}

# The demo's "today" (DANVAN_TODAY in `make run`): the annual report fell due on 30/11/2021, a
# few units are days late, the board is compiling: the week the app matters most.
DEMO_TODAY = date(2021, 12, 3)

PLAN = dict(
    year=2021,
    code="382-KH/TĐTN-TCKT",
    title="Thực hiện Phong trào thi đua “Dân vận khéo” năm 2021",
    place="Trà Vinh",
    issued_on=date(2021, 6, 22),
    issuer_heading="BCH ĐOÀN TỈNH TRÀ VINH",
    organisation_heading="ĐOÀN TNCS HỒ CHÍ MINH",
    basis=(
        "Căn cứ Kế hoạch số 03-KH/BCĐ, ngày 05/5/2021 của Ban Chỉ đạo Quy chế dân chủ ở cơ sở và "
        "phong trào thi đua “Dân vận khéo” về việc tổ chức thực hiện phong trào thi đua “Dân vận "
        "khéo” tỉnh Trà Vinh năm 2021, Ban Thường vụ Tỉnh đoàn xây dựng Kế hoạch thực hiện phong "
        "trào thi đua “Dân vận khéo” năm 2021 cụ thể như sau:"
    ),
    initiatives_intro="Ban Thường vụ Tỉnh đoàn thực hiện 04 mô hình “*Dân vận khéo*” trong năm 2021 gồm:",
    closing=(
        "Trên đây là kế hoạch thực hiện phong trào thi đua “*Dân vận khéo*” năm 2021 của Ban "
        "Thường vụ Tỉnh đoàn."
    ),
    signer_on_behalf="TM. BAN THƯỜNG VỤ TỈNH ĐOÀN",
    signer_title="PHÓ BÍ THƯ THƯỜNG TRỰC",
    signer_name="Võ Minh Nhựt",
    archive_note="Lưu TCKT.",
)

PURPOSES = [
    "Nhằm tiếp tục nâng cao nhận thức, trách nhiệm của Đoàn các cấp về ý nghĩa và tầm quan trọng "
    "của phong trào thi đua “Dân vận khéo” trên tất cả các lĩnh vực đời sống xã hội.",
    "Khơi dậy các tiềm năng, nguồn lực trong hệ thống Đoàn, Hội ra sức thi đua thực hiện thắng lợi "
    "nhiệm công tác Đoàn, Hội góp phần thực hiện tốt mục tiêu kinh tế - xã hội ở địa phương.",
    "Gắn phong trào thi đua “Dân vận khéo” với cuộc vận động “Tuổi trẻ Trà Vinh học tập và làm "
    "theo lời Bác” trên mọi lĩnh vực, nhằm hoàn thành tốt mọi nhiệm vụ được giao.",
    "Việc thực hiện các nội dung “Dân vận khéo” phải thiết thực, hiệu quả.",
]

CONTENTS = [
    (Field.ECONOMY,
     "tuyên truyền, vận động để huy động cán bộ, đoàn viên, thanh niên tham gia phát triển kinh tế "
     "- xã hội, thực hiện tốt các nhiệm vụ về phát triển hạ tầng, cải cách hành chính, nghiên cứu, "
     "ứng dụng và chuyển giao các tiến bộ khoa học – kỹ thuật vào chuyển đổi cơ cấu cây trồng, vật "
     "nuôi, liên kết các hình thức sản xuất, tích cực hưởng ứng tham gia các loại hình tổ chức kinh "
     "tế tập thể và tổ hợp tác, hợp tác xã góp phần hình thành và phát triển doanh nghiệp mới và "
     "khai thác tốt tiềm năng, lợi thế để phát triển Trà Vinh trở thành một trong những tỉnh trọng "
     "điểm phát triển kinh tế biển vùng Đồng bằng sông Cửu Long."),
    (Field.CULTURE_SOCIETY,
     "tuyên truyền, vận động cán bộ, đoàn viên, thanh niên tham gia các cuộc vận động, các phong "
     "trào thi đua trên lĩnh vực giáo dục đào tạo, đào tạo nghề, giải quyết việc làm, giảm nghèo "
     "bền vững, chăm sóc sức khỏe, xây dựng đời sống văn hóa, xây dựng nông thôn mới, đô thị văn "
     "minh và công tác an sinh xã hội,... theo tinh thần Nghị quyết Tỉnh ủy, Chương trình công tác "
     "đoàn và phong trào thanh thiếu nhi năm 2021."),
    (Field.DEFENCE_SECURITY,
     "tuyên truyền, vận động cán bộ, đoàn viên, thanh niên tham gia xây dựng phong trào toàn dân "
     "bảo vệ Tổ quốc, tăng cường nền quốc phòng toàn dân và thế trận an ninh nhân dân, góp phần "
     "từng bước đẩy lùi các loại tội phạm, tệ nạn xã hội, tạo sự ổn định về chính trị, trật tự an "
     "toàn xã hội, tăng cường sự gắn bó mật thiết giữa Đảng, Nhà nước với Nhân dân."),
    (Field.POLITICAL_SYSTEM,
     "tuyên truyền, phổ biến các chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước "
     "về “*Dân vận khéo*” đến từng cán bộ, đoàn viên, thanh niên phù hợp với nhiệm vụ của công tác "
     "đoàn và phong trào thanh thiếu nhi, nêu cao ý thức, thái độ trong tiếp xúc, vận động cán bộ, "
     "đoàn viên, thanh niên và Nhân dân tích cực tham gia xây dựng Đảng, xây dựng chính quyền và "
     "hệ thống chính trị vững mạnh gắn đây mạnh việc “*Học tập và làm theo tư tưởng, đạo đức, phong "
     "cách Hồ Chí Minh*”, Nghị quyết Trung ương 4 (Khóa XII) “*về tăng cường xây dựng, chỉnh đốn "
     "Đảng; ngăn chặn, đẩy lùi sự suy thoái về tư tưởng chính trị, đạo đức, lối sống, những biểu "
     "hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ*”."),
]

# key, field, title, wording in section III, lead, coordinating, [(measure, amount, label, approx)]
INITIATIVES = [
    ("children", Field.CULTURE_SOCIETY, "Mô hình chăm lo các em thiếu nhi có hoàn cảnh khó khăn",
     "Mô hình chăm lo các em thiếu nhi có hoàn cảnh khó khăn, 3.000 em, kinh phí khoảng 600 triệu đồng.",
     "thieunhi", [],
     [(Measure.CHILD, 3000, "thiếu nhi có hoàn cảnh khó khăn được chăm lo", False),
      (Measure.MONEY, 600_000_000, "kinh phí", True)]),
    ("houses", Field.CULTURE_SOCIETY, "Mô hình vận động kinh phí xây dựng Nhà Nhân ái",
     "Mô hình vận động kinh phí xây dựng Nhà Nhân ái, tổng số 90 căn, kinh phí khoảng 3,6 tỷ đồng.",
     "phongtrao", [],
     [(Measure.HOUSE, 90, "Nhà Nhân ái", False),
      (Measure.MONEY, 3_600_000_000, "kinh phí", True)]),
    ("roads", Field.CULTURE_SOCIETY, "Mô hình xây dựng tuyến đường thanh niên “Xanh – Sạch – Đẹp”",
     "Mô hình xây dựng tuyến đường thanh niên “Xanh – Sạch – Đẹp”, tổng số 09 tuyến đường.",
     "phongtrao", [],
     [(Measure.ROAD, 9, "tuyến đường thanh niên “Xanh – Sạch – Đẹp”", False)]),
    ("office", Field.POLITICAL_SYSTEM, "Mô hình xây dựng cơ quan “Xanh - sạch - đẹp - văn minh”",
     "Mô hình xây dựng cơ quan “Xanh - sạch - đẹp - văn minh” (thực hiện tại cơ quan Tỉnh đoàn).",
     "chidoancq", ["congdoancq"],
     [(Measure.OFFICE, 1, "cơ quan Tỉnh đoàn “Xanh - sạch - đẹp - văn minh”", False)]),
]

LOCAL_KINDS = [UnitKind.DISTRICT, UnitKind.AFFILIATED]

# section, unit key (None = every district and affiliated union), short title, text,
# coordinating unit keys, initiative keys
ASSIGNMENTS = [
    ("Cấp tỉnh", "tckt", "Xây dựng và triển khai Kế hoạch",
     "Xây dựng Kế hoạch thực hiện phong trào thi đua “*Dân vận khéo*” triển khai đến các huyện, "
     "thị, thành đoàn và đoàn trực thuộc quán triệt thực hiện.", [], []),
    ("Cấp tỉnh", "tckt", "Bộ phận thường trực, chế độ báo cáo",
     "Giao Ban Tổ chức – Kiểm tra Tỉnh đoàn làm bộ phận thường trực, phối hợp với các ban, trung "
     "tâm thuộc Tỉnh đoàn tham mưu Ban Thường vụ Tỉnh đoàn triển khai thực hiện Kế hoạch này; "
     "thực hiện chế độ báo cáo theo quy định.",
     ["vanphong", "tuyengiao", "phongtrao", "thieunhi"], []),
    ("Cấp tỉnh", "tuyengiao", "Tuyên truyền phong trào thi đua",
     "Giao Ban Tuyên giáo tham mưu Ban Thường vụ Tỉnh đoàn tổ chức tuyên truyền về việc thực hiện "
     "phong trào thi đua “*Dân vận khéo*” trong hệ thống Đoàn theo tinh thần Kế hoạch này và các văn "
     "bản khác có liên quan.", [], []),
    ("Cấp tỉnh", "phongtrao", "Nhà Nhân ái và tuyến đường thanh niên",
     "Giao Ban Phong trào tham mưu Ban Thường vụ Tỉnh đoàn triển khai thực hiện Mô hình vận động "
     "kinh phí xây dựng Nhà Nhân ái và Mô hình xây dựng tuyến đường thanh niên “Xanh – Sạch – Đẹp”.",
     [], ["houses", "roads"]),
    ("Cấp tỉnh", "thieunhi", "Chăm lo thiếu nhi có hoàn cảnh khó khăn",
     "Giao Ban Thanh thiếu nhi – Trường học tham mưu Ban Thường vụ Tỉnh đoàn triển khai thực hiện "
     "Mô hình chăm lo các em thiếu nhi có hoàn cảnh khó khăn.", [], ["children"]),
    ("Cấp tỉnh", "chidoancq", "Cơ quan “Xanh - sạch - đẹp - văn minh”",
     "Giao Chi đoàn Cơ quan Tỉnh đoàn phối hợp với Công đoàn cơ sở Cơ quan Tỉnh đoàn tổ chức triển "
     "khai thực hiện Mô hình xây dựng cơ quan “Xanh - sạch - đẹp - văn minh” tại cơ quan Tỉnh đoàn.",
     ["congdoancq"], ["office"]),
    ("Các Huyện, Thị, Thành đoàn và Đoàn trực thuộc", None, "Xây dựng kế hoạch, mô hình của đơn vị",
     "Các Huyện, Thị, Thành đoàn và Đoàn trực thuộc căn cứ Kế hoạch này và kế hoạch của Ban Chỉ đạo "
     "Quy chế dân chủ ở cơ sở và Phong trào thi đua “*Dân vận khéo*” cùng cấp xây dựng kế hoạch, mô "
     "hình triển khai thực hiện phong trào thi đua “*Dân vận khéo*” phù hợp với tình hình thực tế "
     "của địa phương, đơn vị; vận động cán bộ, đoàn viên, hội viên, thanh niên đang làm việc trong "
     "hệ thống chính trị có những giải pháp, biện pháp sáng tạo trong công tác vận động, công tác "
     "dân vận gắn với nhiệm vụ chính trị trong cơ quan, đơn vị, ngành.", [], []),
    ("Các Huyện, Thị, Thành đoàn và Đoàn trực thuộc", None, "Báo cáo kết quả trong báo cáo năm",
     "Các Huyện, Thị, Thành đoàn và Đoàn trực thuộc báo cáo kết quả triển khai thực hiện phong "
     "trào thi đua “*Dân vận khéo*” lồng ghép trong báo cáo năm gửi về Ban Thường vụ Tỉnh đoàn (qua "
     "Ban Tổ chức – Kiểm tra Tỉnh đoàn tổng hợp).", ["tckt"], []),
]

RECIPIENTS = [
    "Ban Dân vận TU (b/c);",
    "Các Ban, Trung tâm thuộc Tỉnh đoàn;",
    "Các Huyện, Thị, Thành đoàn và ĐTT;",
]
