"""All models, imported here so the metadata is complete for Alembic and tests."""

from gateway.models.account import (
    AccessToken,
    Account,
    ActivationToken,
    KnownLoginAddress,
    LoginThrottle,
    Role,
)
from gateway.models.care import (
    CareRequest,
    CareRequestDay,
    InvoiceLine,
    PaymentMethod,
    RequestKind,
    SwapAllocation,
    SwapCredit,
)
from gateway.models.child import CareType, Child, Guardianship, Placement, PlacementDay
from gateway.models.consent import Consent, ConsentChange, ConsentKind
from gateway.models.diary import DiaryEntry, GroupPost
from gateway.models.event import Event
from gateway.models.jobs import DiaryExport, Job, JobState
from gateway.models.messages import Message, Thread, ThreadRead
from gateway.models.notifications import (
    NotificationCategory,
    NotificationChannel,
    NotificationMarker,
    NotificationSetting,
)
from gateway.models.organisation import (
    ClosingDay,
    Group,
    GroupSlot,
    Location,
    LocationOpeningHours,
    Organisation,
)
from gateway.models.people import Guardian, StaffGroup, StaffMember
from gateway.models.photos import Photo, PhotoTag

__all__ = [
    "AccessToken",
    "Account",
    "ActivationToken",
    "CareRequest",
    "CareRequestDay",
    "CareType",
    "Child",
    "ClosingDay",
    "Consent",
    "ConsentChange",
    "ConsentKind",
    "DiaryEntry",
    "DiaryExport",
    "Event",
    "Group",
    "GroupPost",
    "GroupSlot",
    "Guardian",
    "Guardianship",
    "InvoiceLine",
    "Job",
    "JobState",
    "KnownLoginAddress",
    "Location",
    "LocationOpeningHours",
    "LoginThrottle",
    "Message",
    "NotificationCategory",
    "NotificationChannel",
    "NotificationMarker",
    "NotificationSetting",
    "Organisation",
    "PaymentMethod",
    "Photo",
    "PhotoTag",
    "Placement",
    "PlacementDay",
    "RequestKind",
    "Role",
    "StaffGroup",
    "StaffMember",
    "SwapAllocation",
    "SwapCredit",
    "Thread",
    "ThreadRead",
]
