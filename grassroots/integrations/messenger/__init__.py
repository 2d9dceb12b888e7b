"""Sign-in, contacts and messages through WeCom, DingTalk and Feishu."""
