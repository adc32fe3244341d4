"""The use cases of WE STRONG Drop, without Flask: plain functions over a database session,
a blob store and `crypto`. The web views and the command line call these and never write rows
themselves, so the two cannot drift apart. Functions take the session first and never commit:
the caller owns the transaction (one per request, one per command)."""
