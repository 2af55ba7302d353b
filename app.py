import gc

from danvan import create_app

app = create_app()
# What start-up made (mappers, compiled templates and statements: ~160.000 objects) lives as long
# as the process: left out of the collector's sight, a full collection walks only what requests
# made since (its pause in a gunicorn worker under the S1 mix: 78–136 ms with them, 10–12 without).
gc.collect()  # start-up's own garbage first, or it would be kept for good
gc.freeze()
