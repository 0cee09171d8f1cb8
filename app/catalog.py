"""The app's pages, in lecture order: (file relative to app/, title key, icon, url path).

Kept apart from main.py so the home page can list the pages without re-running the entry
point. A page's home-page description is the key ``home.desc.<url path>``. Icons are
Streamlit's Material symbols: they need no emoji font on the viewer's machine.
"""
PAGES = [
    ("pages/home.py", "nav.home", ":material/home:", "home"),
    ("pages/relu_manifolds.py", "nav.relu", ":material/cyclone:", "relu"),
    ("pages/live.py", "nav.live", ":material/biotech:", "live"),
    ("pages/block.py", "nav.block", ":material/view_module:", "block"),
    ("pages/presenter.py", "nav.presenter", ":material/slideshow:", "presenter"),
]
