"""Writes of the notifications app. The public API other apps call:

- `notify(*, recipients, kind, params=None, url="", actor=None, key="")`
  (`zona.notifications.services.inbox`): one inbox entry per recipient, and for those who
  want an e-mail for each notification an `EmailDelivery` row, all in the caller's
  transaction; the sending task is enqueued when that transaction commits (so a
  rolled-back hand-off notifies nobody). With a `key`, a recipient gets that key once:
  a retried hand-off, or a reminder run twice, notifies nobody again. The actor is not
  notified of their own action; inactive users are skipped.
- `register_kind(code, *, subject, body)` (`zona.notifications.kinds`): what a kind says,
  as lazy English msgids with `%(param)s` placeholders (or callables), rendered in each
  recipient's language when shown or mailed.
- `register_window_source(source)` and `Window` (`zona.notifications.reminders`): open
  windows (a period's submission deadline, a review tier's closing date) that get
  reminders before they close and once when they are overdue.

Upper apps (assessments, surveys, workflow) call these; this app imports none of them.
"""

from zona.notifications.services.inbox import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    preference_save,
)

__all__ = ["notification_mark_read", "notifications_mark_all_read", "notify", "preference_save"]
