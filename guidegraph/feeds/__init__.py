"""Application windows and deadlines as feeds: iCalendar (RFC 5545), Atom (RFC 4287), and "closing soon".

``key_dates`` reads them from any store by SPARQL, ``entries`` says what each
event reads as, ``calendar_feed``/``ical`` and ``atom`` write the formats,
``closing`` picks what closes within N days. The server's routes are in
guidegraph.server.feeds_pages.
"""
