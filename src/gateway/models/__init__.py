"""All models, imported here so the metadata is complete for Alembic and tests."""

from gateway.models.account import AccessToken, Account, ActivationToken, LoginThrottle, Role
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
from gateway.models.event import Event, EventWatermark
from gateway.models.messages import Message, Thread, ThreadRead
from gateway.models.notifications import (
    NotificationCategory,
    NotificationChannel,
    NotificationMarker,
    NotificationSetting,
)
from gateway.models.organisation import ClosingDay, Group, GroupSlot, Location, Organisation
from gateway.models.people import Guardian, StaffGroup, StaffMember

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
    "Event",
    "EventWatermark",
    "Group",
    "GroupSlot",
    "Guardian",
    "Guardianship",
    "InvoiceLine",
    "Location",
    "LoginThrottle",
    "Message",
    "NotificationCategory",
    "NotificationChannel",
    "NotificationMarker",
    "NotificationSetting",
    "Organisation",
    "PaymentMethod",
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
