"""Documents the dashboard hands out: Excel workbooks and Word notes.

Each module builds a file in memory (``bytes``) from small frames the query layer already
returned, so a page only passes the result to ``st.download_button``. Nothing here reads
the warehouse or the network.

Modules
-------
blackspots    the black-spot list (.xlsx) and a one-page advice per location (.docx)
"""
