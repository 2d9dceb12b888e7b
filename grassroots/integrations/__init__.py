"""Channels beyond the browser tab: the Open311 interface and the enterprise messengers.

Each channel is a thin door onto the same services the pages use (appeals are raised
through ``appeals.services``, people are found through ``accounts.selectors``): nothing
here decides what a page would not.
"""
