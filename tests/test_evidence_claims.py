"""The sentences that interpret a measurement follow the numbers (issue 26): slide 4 once said
"training is what makes the manifold of interest low-dimensional" beside charts where the
trained network was higher per image in blocks 2-7."""
import pytest

from figures.evidence_specs import block_ranges, compare_blocks, slide_text, training_text

pytestmark = pytest.mark.unit

META = dict(n_images=120, resolution=64, pixels_per_image=16, n_view_images=120, n_boot=200,
            ridge_alpha=0.01, folds=5)
BLOCKS = [dict(block=b, positive_mean_fraction=0.4 + b / 100, threshold_fraction=1 / 6,
               below_threshold_fraction=0.001, invertible_fraction=1.0,
               recovered_after_expansion=0.99, recovered_without_expansion=0.8 + b / 100)
          for b in range(2, 8)]


def _record(block, value, points="pixels", estimator="twonn", probe="input", spread=0.5,
            undersampled=False):
    return dict(block=block, probe=probe, estimator=estimator, points=points, value=value,
                ci_low=None if spread is None else value - spread,
                ci_high=None if spread is None else value + spread, undersampled=undersampled)


def _results(trained_pixels, random_pixels, trained_images, random_images):
    def profile(pixels, images):
        return ([_record(b, v) for b, v in enumerate(pixels, 1)]
                + [_record(b, v, points="images", spread=None) for b, v in enumerate(images, 1)])
    return {"embedded": {"meta": META, "blocks": BLOCKS,
                         "profile": profile(trained_pixels, trained_images)},
            "random": {"meta": META, "blocks": BLOCKS, "profile": profile(random_pixels, random_images)}}


def test_block_ranges():
    assert block_ranges([1, 2, 3, 5, 8, 9]) == "1-3, 5, 8-9" and block_ranges([4]) == "4"


def test_the_sentence_names_the_blocks_in_each_direction():
    # Per pixel alike in 1-3, lower in 4-6; per image higher in 1-2, lower in 3-6.
    results = _results([5, 5, 5, 3, 3, 3], [5.2, 5.1, 4.9, 8, 8, 8],
                       [12, 12, 5, 5, 5, 5], [8, 8, 9, 9, 9, 9])
    text = training_text(results, "embedded", "twonn", "input", "en")
    assert "lower in blocks 4-6; alike (intervals overlap) in 1-3; higher in none" in text, text
    assert "lower in blocks 3-6; alike (intervals overlap) in none; higher in 1-2" in text, text
    assert "does not make the manifold lower-dimensional everywhere" in text
    assert "only in the blocks listed as lower" in text, text


def test_swapping_the_networks_swaps_the_sentence():
    results = _results([5, 5, 5, 3, 3, 3], [5.2, 5.1, 4.9, 8, 8, 8],
                       [12, 12, 5, 5, 5, 5], [8, 8, 9, 9, 9, 9])
    swapped = {"embedded": results["random"], "random": results["embedded"]}
    text = training_text(swapped, "embedded", "twonn", "input", "en")
    assert "lower in blocks none; alike (intervals overlap) in 1-3; higher in 4-6" in text, text
    assert "lower in blocks 1-2; alike (intervals overlap) in none; higher in 3-6" in text, text


def test_lower_everywhere_says_so_and_undersampled_blocks_do_not_count():
    results = _results([2, 2, 2], [8, 8, 8], [3, 3, 3], [9, 9, 9])
    results["embedded"]["profile"][0]["undersampled"] = True
    text = training_text(results, "embedded", "twonn", "input", "en")
    assert "(2 well-sampled blocks)" in text and "lower in blocks 2-3" in text, text
    assert "every compared block" in text
    ko = training_text(results, "embedded", "twonn", "input", "ko")
    assert "더 낮은 블록 2-3" in ko and "모든 블록" in ko


def test_a_handful_of_images_gives_no_verdict_in_either_language():
    # The bundled photos are six images: the block lines stay, the verdict does not.
    results = _results([5, 5, 5, 3, 3, 3], [5.2, 5.1, 4.9, 8, 8, 8],
                       [12, 12, 5, 5, 5, 5], [8, 8, 9, 9, 9, 9])
    for r in results.values():
        r["meta"] = dict(META, n_images=6, n_view_images=6)
    text = training_text(results, "embedded", "twonn", "input", "en")
    assert "lower in blocks 4-6" in text and "everywhere" not in text, text
    assert "Only 6 images" in text and "30 images or more" in text, text
    ko = training_text(results, "embedded", "twonn", "input", "ko")
    assert "이미지 6장뿐" in ko and "모든 곳에서" not in ko, ko
    lower = _results([2, 2, 2], [8, 8, 8], [3, 3, 3], [9, 9, 9])
    for r in lower.values():
        r["meta"] = dict(META, n_images=29)
    assert "every compared block" not in training_text(lower, "embedded", "twonn", "input", "en")


def test_overlapping_intervals_are_alike_not_lower():
    mine, other = [_record(1, 4.0, spread=1.0)], [_record(1, 5.5, spread=1.0)]
    assert compare_blocks(mine, other) == {"lower": [], "alike": [1], "higher": []}


def test_slides_say_what_stands_behind_their_numbers():
    results = _results([2, 2], [8, 8], [3, 3], [9, 9])
    for key in ("profile", "figure7", "recovery"):
        text = " ".join(slide_text(key, results, "en"))
        assert "120 images at 64 × 64" in text and "1,920 points per estimate" in text, text
        # Bootstrap wording only where a bootstrap is drawn (Figure 7's bars are a range).
        assert ("200 bootstrap replicates" in text) == (key != "figure7"), (key, text)
    assert "Trained vs random" in slide_text("profile", results, "en")[0]


def test_figure7_and_recovery_slides_quote_their_medians():
    results = _results([2, 2], [8, 8], [3, 3], [9, 9])
    figure7, _ = slide_text("figure7", results, "en")
    assert "44% of the expansion channels" in figure7 and "1/t = 17%" in figure7, figure7
    # Medians over the blocks, said so: a block's bar may reach below the threshold while the
    # median block has no pixel there (slide 5 said "0.0% of pixels" beside such a bar).
    assert "medians over the blocks" in figure7 and "0.1% of a block's pixels" in figure7, figure7
    assert "블록별 값의 중앙값" in slide_text("figure7", results, "ko")[0]
    recovery, _ = slide_text("recovery", results, "en")
    assert "R² 0.990" in recovery and "0.845" in recovery and "6 of 6 blocks" in recovery, recovery
    # Higher by the point estimates is not higher beyond the intervals: counted apart.
    assert "beyond both intervals in 0" in recovery, recovery
    for b in results["embedded"]["blocks"][:4]:
        b.update(recovered_after_ci_low=0.98, recovered_without_ci_high=0.9)
    assert "beyond both intervals in 4" in slide_text("recovery", results, "en")[0]
    assert "그중 4개는" in slide_text("recovery", results, "ko")[0]
    # Slides 5 and 6 draw per-pixel numbers only: their sample line names no per-image view.
    for key, lang, view in (("figure7", "en", "images as points"), ("recovery", "ko", "이미지 단위")):
        sample = slide_text(key, results, lang)[1]
        assert view not in sample and "16" in sample, sample
    assert "per image, 120 images" in slide_text("profile", results, "en")[1]
    # Numbers that say the opposite give the opposite count.
    for b in results["embedded"]["blocks"]:
        b["recovered_without_expansion"] = 0.999
    assert "0 of 6 blocks" in slide_text("recovery", results, "en")[0]


def test_captions_do_not_start_a_sentence_with_a_lowercase_network_label():
    """The networks' labels are lower case ("trained here (…)"); the caption joins them to its
    title with a colon ("… (Figure 7). trained here …" before)."""
    import re

    from figures.evidence_specs import _caption
    results = _results([2, 2], [8, 8], [3, 3], [9, 9])
    for b in results.values():
        b["meta"] = {**META, "seed": 0}
    for what in ("fig7", "recovery", "profile"):
        caption = _caption(what, results, "generated", "en")
        assert not re.search(r"\. [a-z]", caption), caption


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_profile_and_recovery_keep_their_panels_tall(lang):
    """On a projector at 1280 x 720 slide 4's panels were squeezed to about 90 px: two-line
    panel titles under a 120 px top margin. One line each, a margin that fits them, and the
    title at the top (no empty band between the title and the panel titles)."""
    from figures.evidence import PROFILE_TOP, profile_figure, recovery_figure
    from figures.lecture import for_projection
    extra = dict(n_points=1920, ambient=16, null_value=12.0)
    profiles = {name: [dict(record, **extra) for record in r["profile"]]
                for name, r in _results([5, 4], [6, 7], [20, 10], [30, 30]).items()}
    fig = profile_figure(profiles, "twonn", "input", lang)
    assert [a.text.count("<br>") for a in fig.layout.annotations] == [0, 0], fig.layout.annotations
    assert fig.layout.margin.t == PROFILE_TOP
    assert fig.layout.title.yanchor == "top" and fig.layout.legend.tracegroupgap == 0
    projected = for_projection(fig)
    assert projected.layout.margin.t <= 90          # was 160 on the projector
    rows = [dict(row, n_points=1920, recovered_after_ci_low=None, recovered_after_ci_high=None,
                 recovered_without_ci_low=None, recovered_without_ci_high=None) for row in BLOCKS]
    blocks = {"a": rows, "b": rows, "c": rows}
    recovery = recovery_figure(blocks, lang)
    assert recovery.layout.margin.t <= PROFILE_TOP + 12 and recovery.layout.title.yanchor == "top"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_figure7_axis_title_fits_its_axis(lang):
    """Slide 5's y-axis title ran past the ends of its axis on a projector at 1280 x 720 (the
    plot is about 150 px tall there, the title 16 px): at most 8 ems of text."""
    from figures.slides import _units
    from i18n import t
    assert sum(map(_units, t("evidence.positive_share", lang))) <= 8
