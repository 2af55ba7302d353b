"""Build a database with the plan-382 demo scaled up (default ten times), for budgets and benchmarks.

    DATABASE_URL=sqlite:////tmp/scaled.db .venv/bin/python scripts/scale_demo.py --factor 10

Same as `flask --app app seed-scale --factor 10` (danvan/demo/scale.py): creates the schema,
loads the demo if missing, then adds ≈ 200 units with logins (dv001… / demo-danvan), plans for
2021–2025, tasks, tens of thousands of checklist items, progress, houses, roads and reports.
Deterministic; refuses to run twice on the same database.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from danvan import create_app  # noqa: E402

if __name__ == "__main__":
    app = create_app()
    app.cli.main(args=["seed-scale", *sys.argv[1:]], prog_name="scale_demo.py", standalone_mode=True)
