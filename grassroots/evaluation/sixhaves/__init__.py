"""The six haves (六有) of a service-oriented Party organisation, computed per branch from
the records, with links to them."""
