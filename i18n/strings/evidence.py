"""Texts of the evidence over a data set (live page section, its figures, presenter, export)."""
TEXT = {
    # -- charts ----------------------------------------------------------------------------
    "evidence.block": ("block", "블록"),
    "evidence.fig7_title": (
        "Figure 7 inside every block: expansion channels positive after ReLU6, per pixel",
        "모든 블록 안의 Figure 7: 픽셀마다 ReLU6 뒤에 양수인 expansion 채널",
    ),
    "evidence.fig7_x": (
        "block (dot: mean over pixels; bar: lowest to highest pixel, a range, not an interval)",
        "블록 (점: 픽셀 평균; 막대: 가장 낮은 픽셀부터 가장 높은 픽셀까지, 신뢰 구간이 아닌 범위)",
    ),
    "evidence.positive_share": ("channels > 0", "양수 채널 비율"),   # fits the axis on a projector
    "evidence.fig7_hover": (
        "block %{customdata[0]}: %{customdata[2]} of %{customdata[4]} channels positive on "
        "average (min %{customdata[1]}, max %{customdata[3]}) over %{customdata[5]:,} pixels",
        "블록 %{customdata[0]}: 평균 %{customdata[4]}개 중 %{customdata[2]}개 채널이 양수 "
        "(최소 %{customdata[1]}, 최대 %{customdata[3]}), 픽셀 %{customdata[5]:,}개",
    ),
    "evidence.threshold": ("invertibility threshold d_in / (t d_in) = 1/t (Lemma 2)",
                           "가역성 문턱 d_in / (t d_in) = 1/t (Lemma 2)"),
    "evidence.threshold_hover": ("threshold %{y:.1%}", "문턱 %{y:.1%}"),
    "evidence.recovery_title": (
        "Information kept: the block's input X recovered linearly (held-out R², 95% interval)",
        "보존된 정보: 블록 입력 X를 선형으로 복원 (검증 R², 95% 구간)",
    ),
    "evidence.recovered_after": ("from ReLU6(expansion of X)", "ReLU6(X의 expansion)에서"),
    "evidence.recovered_without": ("from ReLU6(X): non-linearity in the bottleneck",
                                   "ReLU6(X)에서: bottleneck 안의 비선형성"),
    "evidence.recovery_hover": ("block %{customdata[0]}: R² %{y:.3f} (%{customdata[1]:,} points)",
                                "블록 %{customdata[0]}: R² %{y:.3f} (점 %{customdata[1]:,}개)"),
    "evidence.r2": ("held-out R²", "검증 R²"),
    "evidence.profile_title": (
        "Dimension profile over the image set, 95% bootstrap intervals over images",
        "이미지 집합 전체의 차원 프로파일, 이미지 부트스트랩 95% 구간",
    ),
    # One line over each panel, on the page and on a projector at 1280 px (figures/evidence.py).
    "evidence.panel_pixels": ("Per pixel: {est}, {probe}", "픽셀 단위: {probe}의 {est}"),
    "evidence.panel_images": ("Per image: TwoNN, bottleneck (block input)",
                              "이미지 단위: bottleneck (블록 입력)의 TwoNN"),
    "evidence.dimension": ("dimension", "추정 차원"),   # fits the axis on a projector
    "evidence.profile_hover": (
        "block %{x}: %{y:.1f} (95% interval %{customdata[0]:.1f} to %{customdata[1]:.1f}); "
        "%{customdata[2]:,} points in %{customdata[3]:,} dimensions; null %{customdata[4]:.1f}",
        "블록 %{x}: %{y:.1f} (95% 구간 %{customdata[0]:.1f}~%{customdata[1]:.1f}); "
        "%{customdata[3]:,}차원의 점 %{customdata[2]:,}개; 기준값 %{customdata[4]:.1f}",
    ),
    "evidence.null": ("isotropic Gaussian, same points and dimension (null)",
                      "같은 점 수와 차원의 등방 가우시안 (기준값)"),
    "evidence.null_hover": ("null: %{y:.1f}", "기준값: %{y:.1f}"),
    # -- the page section -------------------------------------------------------------------
    "evidence.title": ("Evidence over a data set", "데이터 집합 위의 증거"),
    "evidence.intro": (
        "One image is an anecdote. Here the same measurements run over a set of images, with "
        "95% intervals from resampling the images, next to what the estimator gives on "
        "structureless Gaussian points of the same size, and for the networks the paper "
        "compares: the trained network, its ReLU6-bottleneck twin and a random initialisation.",
        "이미지 한 장은 일화일 뿐입니다. 여기서는 같은 측정을 이미지 집합 전체에서 하고, 이미지를 다시 "
        "뽑아 얻은 95% 구간과, 같은 크기의 구조 없는 가우시안 점에서 추정기가 내는 값을 함께 보여 "
        "줍니다. 논문이 비교하는 네트워크(학습된 네트워크, ReLU6 bottleneck 쌍둥이, 무작위 초기화)를 "
        "나란히 놓습니다.",
    ),
    "evidence.set": ("Image set", "이미지 집합"),
    # Short enough for its box at 1280 px ("balanced" was cut to "balan")
    "evidence.set.generated": ("generated (10 classes, balanced)",
                               "생성된 샘플 (10개 클래스, 균형)"),
    "evidence.set.photos": ("the bundled photos", "함께 제공되는 사진"),
    "evidence.set.upload": ("my images (several files or a .zip)", "내 이미지 (여러 파일 또는 .zip)"),
    "evidence.n": ("Number of generated images", "생성 이미지 수"),
    "evidence.probe": ("Probe point of the profile", "프로파일의 측정 위치"),
    "evidence.upload": ("Images (PNG, JPEG, GIF, WebP, BMP, TIFF) or a .zip of them",
                        "이미지 (PNG, JPEG, GIF, WebP, BMP, TIFF) 또는 그 .zip"),
    "evidence.upload_needed": ("Upload some images (or a .zip) to measure them.",
                               "측정할 이미지(또는 .zip)를 올리세요."),
    "evidence.run": ("Measure over the set", "집합 전체 측정"),
    "evidence.not_run": (
        "Press the button to measure (about {seconds:.0f} s for {n} images on this server; "
        "the result is kept for everyone).",
        "버튼을 누르면 측정합니다 (이 서버에서 이미지 {n}장에 약 {seconds:.0f}초; 결과는 모두에게 "
        "저장됩니다).",
    ),
    "evidence.estimate_measured": (
        "(Estimated from the speed of the {k} measurement(s) this server has finished.)",
        "(이 서버가 마친 측정 {k}개의 속도로 추정했습니다.)",
    ),
    "evidence.estimate_guess": (
        "(A first guess: once a measurement has finished, the estimate uses this server's own "
        "speed.)",
        "(첫 추정치입니다: 측정이 한 번 끝나면 이 서버의 실제 속도로 추정합니다.)",
    ),
    "evidence.progress": ("Measuring {step}", "측정 중: {step}"),
    "evidence.starting": ("Starting: waiting for the cluster's first finished part…",
                          "시작하는 중: 클러스터가 첫 부분을 마치기를 기다립니다…"),
    "evidence.queued": ("Queued: {n} measurement(s) on this server before this one…",
                        "대기 중: 이 서버에서 앞선 측정 {n}개…"),
    "evidence.queue_now": ("{n} measurement(s) are running or waiting on this server now; "
                           "yours would start after them.",
                           "지금 이 서버에서 측정 {n}개가 진행 중이거나 기다리고 있습니다. "
                           "누르면 그 뒤에 시작합니다."),
    "evidence.queue_full": (
        "{n} measurements are waiting on this server already; press the button again in a "
        "minute.",
        "이 서버에서 이미 측정 {n}개가 기다리고 있습니다. 1분 뒤에 버튼을 다시 누르세요."),
    "evidence.failed": ("The measurement failed: {error}", "측정에 실패했습니다: {error}"),
    "evidence.rejected": ("Left out: {name} ({reason})", "제외됨: {name} ({reason})"),
    "evidence.no_images": ("None of the uploaded files could be used.",
                           "올린 파일 중 쓸 수 있는 것이 없습니다."),
    "evidence.limited": (
        "At {res} × {res} one measurement takes at most {limit} images; the first {limit} "
        "are used.",
        "{res} × {res}에서는 한 번에 최대 {limit}장까지 측정합니다; 처음 {limit}장을 씁니다.",
    ),
    "evidence.sample": (
        "{n} images at {res} × {res}, {ppi} pixels sampled per image: {points:,} points per "
        "pixel estimate; {boot} bootstrap replicates over images; {seconds:.1f} s.",
        "{res} × {res} 이미지 {n}장, 이미지마다 픽셀 {ppi}개 표본: 픽셀 추정마다 점 {points:,}개; "
        "이미지 부트스트랩 {boot}회; {seconds:.1f}초.",
    ),
    "evidence.sample_line": (
        "Behind each number: {n} images at {res} × {res}; per pixel, {ppi} pixels sampled per "
        "image ({points:,} points per estimate); per image, {view} images as points.",
        "각 수치의 표본: {res} × {res} 이미지 {n}장; 픽셀 단위는 이미지마다 픽셀 {ppi}개(추정마다 "
        "점 {points:,}개); 이미지 단위는 이미지 {view}장을 점으로.",
    ),
    "evidence.sample_line_pixels": (
        "Behind each number: {n} images at {res} × {res}, {ppi} pixels sampled per image "
        "({points:,} points per estimate).",
        "각 수치의 표본: {res} × {res} 이미지 {n}장, 이미지마다 픽셀 {ppi}개(추정마다 점 "
        "{points:,}개).",
    ),
    "evidence.sample_boot": (
        "Intervals: {boot} bootstrap replicates over images.",
        "구간: 이미지 부트스트랩 {boot}회.",
    ),
    "evidence.view.pixels": ("per pixel", "픽셀 단위"),
    "evidence.view.images": ("per image", "이미지 단위"),
    "evidence.training.line": (
        "**Trained vs random, {view}** ({n} well-sampled blocks): lower in blocks {lower}; "
        "alike (intervals overlap) in {alike}; higher in {higher}.",
        "**학습 대 무작위, {view}** (표본이 충분한 블록 {n}개): 더 낮은 블록 {lower}; 비슷한 블록"
        "(구간이 겹침) {alike}; 더 높은 블록 {higher}.",
    ),
    "evidence.training.no_block": ("none", "없음"),
    "evidence.training.none": (
        "**Trained vs random, {view}:** no block is well sampled in both, so nothing can be "
        "compared.",
        "**학습 대 무작위, {view}:** 두 네트워크 모두 표본이 충분한 블록이 없어 비교할 수 없습니다.",
    ),
    "evidence.training.all_lower": (
        "Here training lowers the dimension in every compared block.",
        "여기서는 비교한 모든 블록에서 학습이 차원을 낮춥니다.",
    ),
    "evidence.training.not_everywhere": (
        "So training does not make the manifold lower-dimensional everywhere: only in the "
        "blocks listed as lower.",
        "따라서 학습이 모든 곳에서 manifold를 저차원으로 만드는 것은 아닙니다: '더 낮은 블록'에 "
        "적힌 블록에서만 그렇습니다.",
    ),
    "evidence.fig7_text": (
        "**Claim tested (Figure 7, Lemma 2):** the expansion keeps enough channels positive "
        "for ReLU to be invertible. Measured for {label}: on average {mean:.0%} of the "
        "expansion channels are positive at a pixel (median over blocks), against the threshold "
        "1/t = {threshold:.0%}; {below:.1%} of pixels fall below it, and at {invertible:.0%} "
        "of pixels ReLU6 is exactly invertible by Lemma 2 (rank d_in among the channels in its "
        "linear range; median over blocks).",
        "**검증하는 주장 (Figure 7, Lemma 2):** expansion은 ReLU가 가역이 될 만큼 충분한 채널을 "
        "양수로 유지한다. {label}에서 측정: 한 픽셀에서 expansion 채널의 평균 {mean:.0%}가 양수이고 "
        "(블록 중앙값), 문턱 1/t = {threshold:.0%}와 비교됩니다; 문턱 아래 픽셀은 {below:.1%}이며, "
        "{invertible:.0%}의 픽셀에서 ReLU6는 Lemma 2에 따라 정확히 가역입니다(선형 구간에 있는 채널들의 "
        "행렬 계수가 d_in; 블록 중앙값).",
    ),
    "evidence.fig7_short": (
        "**Measured ({label}), medians over the blocks:** {mean:.0%} of the expansion "
        "channels positive at a pixel, against the threshold 1/t = {threshold:.0%}; {below:.1%} "
        "of a block's pixels below the threshold (a bar's lower end is its block's lowest "
        "pixel).",
        "**측정 ({label}), 블록별 값의 중앙값:** 한 픽셀에서 양수인 expansion 채널 {mean:.0%}, "
        "문턱 1/t = {threshold:.0%}; 블록에서 문턱 아래인 픽셀 {below:.1%} (막대의 아래 끝이 그 "
        "블록에서 가장 낮은 픽셀입니다).",
    ),
    "evidence.recovery_short": (
        "**Measured ({label}):** median R² {after:.3f} from the expansion's ReLU6, {without:.3f} "
        "from ReLU6(X); the first is higher in {higher} of {blocks} blocks, beyond both "
        "intervals in {clear}.",
        "**측정 ({label}):** expansion의 ReLU6에서 중앙값 R² {after:.3f}, ReLU6(X)에서 "
        "{without:.3f}; 블록 {blocks}개 중 {higher}개에서 앞쪽이 더 높고, 그중 {clear}개는 두 "
        "구간이 겹치지 않습니다.",
    ),
    "evidence.recovery_text": (
        "**Claim tested (§3.2, linear bottlenecks):** a non-linearity applied in the wide "
        "expansion keeps the information of the thin input; applied to the thin bottleneck "
        "itself it destroys some. Measured for {label}: X is recovered from ReLU6 of the "
        "expansion with median R² {after:.3f}, from ReLU6(X) with {without:.3f}; the first is "
        "higher in {higher} of {blocks} blocks, beyond both intervals in {clear}. Ridge regression (alpha {alpha:g} × the mean "
        "feature variance), fitted and tested on different images ({folds}-fold, split by "
        "image).",
        "**검증하는 주장 (§3.2, 선형 bottleneck):** 넓은 expansion에 비선형성을 적용하면 얇은 입력의 "
        "정보가 보존되지만, 얇은 bottleneck 자체에 적용하면 일부가 사라진다. {label}에서 측정: "
        "expansion의 ReLU6에서 X를 중앙값 R² {after:.3f}로, ReLU6(X)에서는 {without:.3f}로 "
        "복원합니다; 블록 {blocks}개 중 {higher}개에서 앞쪽이 더 높고, 그중 {clear}개는 두 구간이 "
        "겹치지 않습니다. 능형 회귀(정규화 계수 {alpha:g} "
        "× 평균 특성 분산), 서로 다른 이미지로 학습·검증({folds}겹 교차 검증, 이미지 단위 분할).",
    ),
    "evidence.relu6_text": (
        "In the ReLU6-bottleneck twin the block input is itself the output of a ReLU6 (plus "
        "residuals of such): {negative:.1%} of its entries are negative, so ReLU6(X) changes "
        "only {changed:.1%} of them and loses little here. The cost is elsewhere: its "
        "bottleneck lives in the positive orthant, a smaller space for the same channels, and "
        "it trained to lower accuracy (Figure 6a; the block page shows both runs).",
        "ReLU6 bottleneck 쌍둥이에서는 블록 입력 자체가 ReLU6의 출력(과 그런 residual의 합)입니다: "
        "원소의 {negative:.1%}만 음수라서 ReLU6(X)는 {changed:.1%}만 바꾸고 여기서는 잃는 것이 "
        "적습니다. 대가는 다른 곳에 있습니다: bottleneck이 양의 사분 공간(모든 좌표가 0 이상)에 갇혀 같은 채널 수로 더 "
        "좁은 공간을 쓰고, 학습 정확도도 더 낮았습니다(Figure 6a; 블록 페이지에 두 학습이 "
        "있습니다).",
    ),
    "evidence.profile_text": (
        "**Claim tested (§3.2, the manifold of interest is low-dimensional):** at the {probe}, "
        "{label} has median {est} {value:.1f} over the blocks with enough points ({used} of "
        "{total}; {excluded} left out as undersampled), where Gaussian points of the same number "
        "and dimension give {null:.1f}. Each image as one point (TwoNN at the bottleneck, median "
        "over blocks): {img_value} for "
        "{label} vs {img_random} for the random initialisation ({img_n} images; with this "
        "few points TwoNN above about 20 is a lower bound).",
        "**검증하는 주장 (§3.2, 관심 manifold는 저차원이다):** {probe}에서 {label}의 {est} "
        "중앙값은 점이 충분한 블록({total}개 중 {used}개; {excluded}개는 표본 부족으로 제외)에서 "
        "{value:.1f}이고, 같은 점 수와 차원의 가우시안 점은 {null:.1f}입니다. 이미지 하나를 점 "
        "하나로 볼 때(bottleneck의 TwoNN, 블록 중앙값): {label}은 {img_value}, 무작위 초기화는 {img_random}입니다(이미지 "
        "{img_n}장; 이 정도 점 수에서 약 20을 넘는 TwoNN 값은 하한입니다).",
    ),
    "evidence.no_twonn_value": (
        "A – means no number: with {n} images as points, every block is below the {min} points "
        "TwoNN needs here; a set of at least {min} images (generated samples, or your own) "
        "gives one.",
        "–는 값이 없다는 뜻입니다: 이미지 {n}장을 점으로 쓰면 모든 블록이 여기서 TwoNN에 필요한 "
        "점 {min}개에 못 미칩니다. 이미지가 {min}장 이상인 집합(생성 샘플 또는 내 이미지)으로 "
        "측정하면 값이 나옵니다.",
    ),
    "evidence.training.few_images": (
        "Only {n} images stand behind these lines: an interval made by resampling so few "
        "images is itself unreliable, usually too narrow. Read them as a first look, not a "
        "finding; a set of {enough} images or more (generated samples, or your own) can "
        "support one.",
        "이 문장들 뒤에는 이미지 {n}장뿐입니다: 이렇게 적은 이미지를 다시 뽑아 만든 구간은 그 "
        "자체로 믿기 어렵고 대개 너무 좁습니다. 결론이 아니라 첫인상으로 읽으세요; 이미지 "
        "{enough}장 이상인 집합(생성 샘플 또는 내 이미지)이라야 결론을 뒷받침할 수 있습니다.",
    ),
    "evidence.undersampled_rule": (
        "Undersampled (hollow markers, left out of the medians): PCA and participation ratio "
        "with fewer than 2 points per dimension, TwoNN with fewer than {twonn} points.",
        "표본 부족(속이 빈 표시, 중앙값에서 제외): 차원마다 점이 2개보다 적은 PCA와 참여 비율, "
        "점이 {twonn}개보다 적은 TwoNN.",
    ),
    "evidence.caption": (
        "{what}: {label} on {n} {set} images at {res} × {res} (seed {seed}); {ppi} pixels per "
        "image, {boot} bootstrap replicates over images.",
        "{what}. {label}, {set} 이미지 {n}장, {res} × {res} (시드 {seed}); 이미지마다 픽셀 "
        "{ppi}개, 이미지 부트스트랩 {boot}회.",
    ),
    "evidence.caption_range": (
        "{what}: {label} on {n} {set} images at {res} × {res} (seed {seed}); {ppi} pixels per "
        "image. Dots are the mean over all pixels, bars the lowest and the highest pixel: a "
        "range, not a confidence interval (no bootstrap is drawn here).",
        "{what}. {label}, {set} 이미지 {n}장, {res} × {res} (시드 {seed}); 이미지마다 픽셀 "
        "{ppi}개. 점은 모든 픽셀의 평균, 막대는 가장 낮은 픽셀과 가장 높은 픽셀입니다: 신뢰 "
        "구간이 아니라 범위입니다(여기에는 부트스트랩이 없습니다).",
    ),
    "evidence.what.fig7": ("Positive expansion channels per pixel (Figure 7)",
                           "픽셀마다 양수인 expansion 채널 (Figure 7)"),
    "evidence.what.recovery": ("Block input recovered after vs without the expansion",
                               "expansion을 거친 경우와 거치지 않은 경우의 블록 입력 복원"),
    "evidence.what.profile": ("Dimension profile with intervals and the Gaussian null",
                              "구간과 가우시안 기준값을 함께 보인 차원 프로파일"),
    "evidence.set_name.generated": ("generated", "생성된"),
    "evidence.set_name.photos": ("bundled photo", "함께 제공되는 사진"),
    "evidence.set_name.upload": ("uploaded", "올린"),
}
