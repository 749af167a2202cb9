"""Background work of the server process: the periodic sweeps (and, as they come, durable jobs).

Each task here only schedules; what it does is a use case in `gateway.services`.
"""

from gateway.jobs.periodic import start_periodic_tasks

__all__ = ["start_periodic_tasks"]
