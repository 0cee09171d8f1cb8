"""The app's pages, in lecture order: (file relative to app/, title key, icon, url path).

Kept apart from main.py so the home page can list the pages without re-running the entry
point. A page's home-page description is the key ``home.desc.<url path>``. Icons are
Streamlit's Material symbols: they need no emoji font on the viewer's machine.
"""
PAGES = [
    ("views/home.py", "nav.home", ":material/home:", "home"),
    ("views/relu_manifolds.py", "nav.relu", ":material/cyclone:", "relu"),
    ("views/live.py", "nav.live", ":material/biotech:", "live"),
    ("views/block.py", "nav.block", ":material/view_module:", "block"),
    ("views/presenter.py", "nav.presenter", ":material/slideshow:", "presenter"),
]
