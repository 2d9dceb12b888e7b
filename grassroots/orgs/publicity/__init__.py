"""Public notices (公示): a notice period in working days on one public page, objections
lodged by anyone signed in and answered by the publishing organisation's officers.

Other parts put their own subjects into a notice through `services.notice_publish` and read
its state through `selectors.notice_state`; the notice knows its subject only by kind, id
and label, so nothing here depends on the parts above.
"""
