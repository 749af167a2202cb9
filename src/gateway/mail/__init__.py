"""The mailer (SMTP or an outbox folder, chosen by `MAIL_URL`) and the Dutch mail templates.

One templates module per domain: `templates` (accounts, and the Dutch date formats every mail
uses), `templates_care` (absences and requests).
"""

from gateway.mail.mailer import Mail, Mailer, MailError, mailer_from_url, read_outbox

__all__ = ["Mail", "MailError", "Mailer", "mailer_from_url", "read_outbox"]
