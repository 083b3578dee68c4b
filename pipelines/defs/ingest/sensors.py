"""Pick up new files dropped into the inbox and run the whole graph for them."""


import json

import dagster as dg

from pipelines import settings
from pipelines.ingest.inbox import InboxError, discover


def new_files(previous: dict[str, float], current: dict[str, float]) -> list[str]:
    """Paths that are new, or changed since the cursor was written."""
    return sorted(path for path, mtime in current.items() if previous.get(path) != mtime)


@dg.sensor(name="inbox_sensor", target="*", minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.STOPPED)
def inbox_sensor(context: dg.SensorEvaluationContext):
    """Requests a run when files appear or change under the inbox (cursor: path -> mtime)."""
    try:
        files = discover(settings.inbox_dir())
    except InboxError as exc:
        return dg.SkipReason(str(exc))
    current = {str(f.path): f.path.stat().st_mtime for f in files}
    previous = json.loads(context.cursor) if context.cursor else {}
    changed = new_files(previous, current)
    context.update_cursor(json.dumps(current))
    if not changed:
        return dg.SkipReason("no new files in the inbox")
    run_key = f"inbox-{len(current)}-{max(current[p] for p in changed):.0f}"
    return dg.RunRequest(run_key=run_key, tags={"revaudit/new_files": str(len(changed))})
