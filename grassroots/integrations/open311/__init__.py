"""Open311 GeoReport v2 for appeals, under /open311/v2/ (docs/api.md).

A door onto the appeal services: the categories are the services, a request is an
appeal raised through `appeals.services.appeal_submit`, and who reads which request is
the appeals policy's answer (`appeals.selectors.readable_appeals`). The caller is known
by the `api_key`: one of the person's API tokens, never the session.
"""
