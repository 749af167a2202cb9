"""Durable background jobs: a claimed jobs table, a worker per process, and the job handlers."""

from gateway.jobs.diary_export import KIND as DIARY_EXPORT
from gateway.jobs.diary_export import build_diary_export
from gateway.jobs.queue import Claim, claim, enqueue, fail, finish, renew
from gateway.jobs.worker import Handler, Heartbeat, JobWorker, LostClaim

HANDLERS: dict[str, Handler] = {DIARY_EXPORT: build_diary_export}

__all__ = [
    "DIARY_EXPORT",
    "HANDLERS",
    "Claim",
    "Handler",
    "Heartbeat",
    "JobWorker",
    "LostClaim",
    "build_diary_export",
    "claim",
    "enqueue",
    "fail",
    "finish",
    "renew",
]
