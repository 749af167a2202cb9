"""Background work of the server process: the periodic sweeps and the durable jobs.

Each task here only schedules and runs; what it changes is a use case in `gateway.services`
(the jobs table itself is `services.job_queue`, so a use case can enqueue in its transaction).
The delivery workers (`push_delivery`, `email_delivery`) keep their state in rows, so a restart
loses and repeats nothing.
"""

from gateway.jobs.diary_export import build_diary_export
from gateway.jobs.periodic import start_periodic_tasks
from gateway.jobs.worker import Handler, Heartbeat, JobWorker, LostClaim, start_job_worker
from gateway.services.diary_exports import EXPORT_JOB

HANDLERS: dict[str, Handler] = {EXPORT_JOB: build_diary_export}

__all__ = [
    "HANDLERS",
    "Handler",
    "Heartbeat",
    "JobWorker",
    "LostClaim",
    "build_diary_export",
    "start_job_worker",
    "start_periodic_tasks",
]
