"""The openness catalogue (公开目录): what each kind of organisation must publish, which
items an organisation has not, its page, the to-dos and the one reminder."""
