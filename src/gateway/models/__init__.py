"""All models, imported here so the metadata is complete for Alembic and tests."""

from gateway.models.account import (
    AccessToken,
    Account,
    ActivationToken,
    KnownLoginAddress,
    LoginThrottle,
    PasswordResetToken,
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
from gateway.models.documents import Document, Policy, PolicyKind
from gateway.models.event import Event, EventWatermark
from gateway.models.invoices import Invoice, InvoiceKind, InvoiceStatus
from gateway.models.jobs import DiaryExport, Job, JobState
from gateway.models.messages import Message, Thread, ThreadRead
from gateway.models.news import NewsAttachment, NewsItem, Newsletter, StaffRole, StaffRoleKind
from gateway.models.notifications import (
    NotificationCategory,
    NotificationChannel,
    NotificationMarker,
    NotificationSetting,
)
from gateway.models.operations import RegisteredOperation
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
from gateway.models.push import (
    DeliveryCursor,
    DeliveryStatus,
    EmailDelivery,
    EmailFrequency,
    EmailPreference,
    PushDelivery,
    PushPlatform,
    PushSubscription,
)

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
    "DeliveryCursor",
    "DeliveryStatus",
    "DiaryEntry",
    "DiaryExport",
    "Document",
    "EmailDelivery",
    "EmailFrequency",
    "EmailPreference",
    "Event",
    "EventWatermark",
    "Group",
    "GroupPost",
    "GroupSlot",
    "Guardian",
    "Guardianship",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "Job",
    "JobState",
    "KnownLoginAddress",
    "Location",
    "LocationOpeningHours",
    "LoginThrottle",
    "Message",
    "NewsAttachment",
    "NewsItem",
    "Newsletter",
    "NotificationCategory",
    "NotificationChannel",
    "NotificationMarker",
    "NotificationSetting",
    "Organisation",
    "PasswordResetToken",
    "PaymentMethod",
    "Photo",
    "PhotoTag",
    "Placement",
    "PlacementDay",
    "Policy",
    "PolicyKind",
    "PushDelivery",
    "PushPlatform",
    "PushSubscription",
    "RegisteredOperation",
    "RequestKind",
    "Role",
    "StaffGroup",
    "StaffMember",
    "StaffRole",
    "StaffRoleKind",
    "SwapAllocation",
    "SwapCredit",
    "Thread",
    "ThreadRead",
]
