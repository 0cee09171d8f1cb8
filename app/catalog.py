"""The app's pages, in lecture order: (file relative to app/, title key, icon, url path).

Kept apart from main.py so the home page can list the pages without re-running the entry
point. A page's home-page description is the key ``home.desc.<url path>``.
"""
PAGES = [
    ("pages/home.py", "nav.home", "🏠", "home"),
    ("pages/relu_manifolds.py", "nav.relu", "🌀", "relu"),
    ("pages/live.py", "nav.live", "🔬", "live"),
    ("pages/block.py", "nav.block", "🧱", "block"),
    ("pages/presenter.py", "nav.presenter", "📽️", "presenter"),
]
