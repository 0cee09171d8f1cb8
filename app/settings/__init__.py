"""Each page's URL settings (``app.urlstate.Param``) and defaults, as plain modules.

A page under ``app/views/`` is a Streamlit script: importing it draws the page. Its settings
are wanted elsewhere without drawing anything: the start-up warm-up (``app.warmup`` fills
the caches at the defaults), presenter mode and the export (the figures at the defaults,
``app.figure_sources``), the load test's simulated students (``devtools.explore``, the
ranges they draw from) and the tests. So each page's ``Param``s live here, one module per
page, and the page script imports them like everyone else: a range or default changed here
is the one every reader uses, and nothing has to parse or run a page script to find it.

    relu      the ReLU page (``views/relu_manifolds.py``)
    live      the live page (``views/live.py``)
    evidence  the live page's "Evidence over a data set" tab (``app/evidence_section.py``)
    block     the block page (``views/block.py``)
    presenter presenter mode (``views/presenter.py``)

Each module's ``PARAMS`` is the page's settings in the order the page seeds and writes them.
"""
