"""Page weight (issue 12): at default settings each page sends at most 1 MB of figure data
(the plotly_chart protos' figure JSON, which is what Streamlit sends over the websocket).
The browser-side timing is in bench/page_weight.py."""
import pytest
from streamlit.testing.v1 import AppTest

from conftest import APP

pytestmark = pytest.mark.app

GOAL_BYTES = 1_000_000
PAGES = ["views/relu_manifolds.py", "views/live.py", "views/block.py", "views/presenter.py"]


@pytest.fixture(scope="module")
def app():
    return AppTest.from_file(APP, default_timeout=300).run()


@pytest.mark.parametrize("page", PAGES)
def test_figure_data_at_defaults_is_at_most_1_mb(app, page):
    app.switch_page(page).run()
    assert not app.exception, app.exception
    specs = [c.proto.spec for c in app.get("plotly_chart")]
    assert specs, f"{page} drew no chart"
    total = sum(len(s) for s in specs)
    assert total <= GOAL_BYTES, f"{page}: {total:,} bytes of figure JSON in {len(specs)} charts"
