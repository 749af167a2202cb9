"""Background work of the server process: the periodic sweeps and the durable delivery jobs.

Each sweep only schedules a use case from `gateway.services`; the delivery workers
(`push_delivery`, `email_delivery`) keep their state in rows, so a restart loses and repeats
nothing.
"""

from gateway.jobs.periodic import start_periodic_tasks

__all__ = ["start_periodic_tasks"]
