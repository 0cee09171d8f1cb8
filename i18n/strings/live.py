"""Strings of the live area: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
    "nav.live": ("Live MobileNetV2", "실시간 MobileNetV2"),
    "home.desc.live": (
        "Run MobileNetV2 on a photo, a generated image, your upload or the camera: top-5 "
        "predictions and the effective dimension at every bottleneck, expansion, depthwise "
        "and projection, for trained and random weights side by side.",
        "사진, 생성 이미지, 업로드한 이미지나 카메라로 MobileNetV2를 실행합니다: top-5 예측과 "
        "모든 bottleneck, expansion, depthwise, projection의 유효 차원을 학습된 가중치와 무작위 "
        "가중치로 나란히 비교합니다.",
    ),
    "live.title": ("Live MobileNetV2", "실시간 MobileNetV2"),
    "live.intro": (
        "The paper claims that the *manifold of interest* — the set of activations a real "
        "image produces — is low-dimensional, so a **thin linear bottleneck** can carry it, "
        "while the **wide expansion** is where ReLU6 can work without destroying it. Here the "
        "network runs on your image, and each of the h × w pixels of a layer is one point in "
        "R^channels (the paper's view, Section 3.2); the dimension of that point cloud is "
        "measured at each probe point.",
        "논문은 *관심 manifold*(실제 이미지가 만드는 활성값의 집합)가 저차원이므로 **얇은 "
        "linear bottleneck**이 그것을 담을 수 있고, **넓은 expansion**에서는 ReLU6가 그것을 "
        "망가뜨리지 않고 작동할 수 있다고 주장합니다. 여기서는 네트워크를 여러분의 이미지에 "
        "실행하고, 한 층의 h × w 픽셀 각각을 R^(채널 수)의 한 점으로 봅니다(논문 3.2절의 관점). "
        "각 측정 지점에서 이 점 구름의 차원을 잽니다.",
    ),
    # Sources
    "live.weights": ("Weights", "가중치"),
    "live.compare_with": ("Compare with", "비교 대상"),
    # No "default" in the name: at 1280 px the select box cut it ("defau"); the default is
    # the option the page opens with.
    "live.w.embedded": ("trained here (linear bottleneck)", "여기서 학습 (linear bottleneck)"),
    "live.w.embedded-relu6": ("trained here (ReLU6 bottleneck)", "여기서 학습 (ReLU6 bottleneck)"),
    "live.w.random": ("random initialisation (seeded)", "무작위 초기화 (시드)"),
    "live.w.imagenet-v1": ("torchvision ImageNet V1", "torchvision ImageNet V1"),
    "live.w.imagenet-v2": ("torchvision ImageNet V2", "torchvision ImageNet V2"),
    "live.w.upload": ("uploaded torchvision checkpoint", "업로드한 torchvision checkpoint"),
    "live.w.none": ("(no comparison)", "(비교 안 함)"),
    "live.weights_info": (
        "Weights shown: **{label}** — width {width}, {classes} classes, made for {res}×{res} "
        "inputs.",
        "표시 중인 가중치: **{label}** — width multiplier {width}, 클래스 {classes}개, {res}×{res} "
        "입력용.",
    ),
    "live.upload_ckpt": ("torchvision MobileNetV2 checkpoint (.pth / .pt)",
                         "torchvision MobileNetV2 체크포인트 (.pth / .pt)"),
    "live.upload_ckpt_needed": (
        "Upload a checkpoint above to use these weights; until then the trained default is "
        "shown.",
        "이 가중치를 쓰려면 위에서 checkpoint를 업로드하세요. 그 전까지는 기본 학습 가중치를 "
        "보여 줍니다.",
    ),
    "live.tab_one_image": ("One image", "이미지 한 장"),
    "live.compare_error": (
        "The weights to compare with cannot be used: {error}. The page shows the chosen weights "
        "alone, without a comparison.",
        "비교할 가중치를 쓸 수 없습니다: {error}. 이 페이지는 비교 없이 선택한 가중치만 보여 줍니다.",
    ),
    "live.not_downloaded": ("{name} (not downloaded)", "{name} (다운로드 안 됨)"),
    # The Download button of the ImageNet weights (app/weight_download.py).
    "download.needed": (
        "**{name}**: torchvision's published file, {mb:.1f} MB, is not on this machine yet. "
        "Download it once for everyone on this server (checked against its published "
        "SHA-256); {until}.",
        "**{name}**: torchvision이 공개한 파일({mb:.1f} MB)이 아직 이 컴퓨터에 없습니다. 이 "
        "서버의 모두를 위해 한 번 내려받으세요(공개된 `SHA-256`으로 확인합니다). {until}.",
    ),
    "download.until_default": ("until then the trained default is shown",
                               "그 전까지는 기본 학습 가중치를 보여 줍니다"),
    "download.until_compare": ("until then the page shows no comparison",
                               "그 전까지는 비교 없이 보여 줍니다"),
    "download.button": ("Download ({mb:.1f} MB)", "다운로드 ({mb:.1f} MB)"),
    "download.again": ("Try the download again ({mb:.1f} MB)", "다시 다운로드 ({mb:.1f} MB)"),
    "download.progress": (
        "Downloading {name}: {done:.1f} of {total:.1f} MB, {rate:.1f} MB/s",
        "{name} 다운로드 중: {total:.1f} MB 중 {done:.1f} MB, 초당 {rate:.1f} MB",
    ),
    "download.on_workers": (
        "Downloaded {name}; making sure every Dask worker has it",
        "{name} 다운로드 완료. 모든 Dask 워커에 파일이 있는지 확인하는 중",
    ),
    "download.failed": (
        "The download of {name} failed: {error}.",
        "{name} 다운로드에 실패했습니다: {error}.",
    ),
    "live.weights_error": (
        "These weights cannot be used: {error}. The trained default is shown instead.",
        "이 가중치를 쓸 수 없습니다: {error}. 대신 기본 학습 가중치를 보여 줍니다.",
    ),
    "live.image": ("Image", "이미지"),
    "live.img.generated": ("generated data set sample", "생성 데이터셋 샘플"),
    "live.img.upload": ("upload an image", "이미지 업로드"),
    "live.img.camera": ("camera", "카메라"),
    # scikit-image's sample photos (services.images.SAMPLE_PHOTOS).
    "live.photo.astronaut": ("photo: astronaut", "사진: 우주비행사"),
    "live.photo.chelsea": ("photo: cat (Chelsea)", "사진: 고양이 (Chelsea)"),
    "live.photo.coffee": ("photo: coffee", "사진: 커피"),
    "live.photo.rocket": ("photo: rocket", "사진: 로켓"),
    "live.photo.china": ("photo: china (porcelain)", "사진: 도자기"),
    "live.photo.flower": ("photo: flower", "사진: 꽃"),
    "live.gen_class": ("generated class", "생성 클래스"),
    "live.gen_index": ("sample number", "샘플 번호"),
    "live.upload_image": ("Image file (PNG, JPEG, …)", "이미지 파일 (PNG, JPEG, …)"),
    "live.camera": ("Take a photo", "사진 찍기"),
    "live.image_needed": (
        "No image yet: upload one or take a photo. Until then the first sample photo is used.",
        "아직 이미지가 없습니다: 업로드하거나 사진을 찍으세요. 그 전까지는 첫 번째 샘플 사진을 "
        "씁니다.",
    ),
    "live.image_error": (
        "This image cannot be used: {error}. The first sample photo is used instead.",
        "이 이미지를 쓸 수 없습니다: {error}. 대신 첫 번째 샘플 사진을 씁니다.",
    ),
    "live.image_small": (
        "{name} is only {width}×{height} pixels, smaller than the network's {res}×{res} input. "
        "It is enlarged to fit, so the network sees no more detail than those pixels hold (a "
        "1×1 image is one flat colour), and the numbers below describe that.",
        "{name}은(는) {width}×{height} 픽셀로, 네트워크 입력 {res}×{res}보다 작습니다. 크기를 "
        "키워서 넣으므로 네트워크는 그 픽셀들이 담은 것보다 자세한 것을 보지 못하며(1×1 "
        "이미지는 한 가지 색입니다), 아래 수치도 그것을 나타냅니다.",
    ),
    "live.image_thin": (
        "{name} is {width}×{height} pixels: its shorter side is smaller than the network's "
        "{res}×{res} input. The image is enlarged until that side fits and its centre square "
        "is cut out, so the network sees only the middle {short}×{short} pixels, enlarged, and "
        "the numbers below describe that.",
        "{name}은(는) {width}×{height} 픽셀로, 짧은 변이 네트워크 입력 {res}×{res}보다 "
        "작습니다. 그 변이 맞도록 이미지를 키운 뒤 가운데 정사각형을 잘라 넣으므로 네트워크는 "
        "가운데 {short}×{short} 픽셀만 확대해서 보며, 아래 수치도 그것을 나타냅니다.",
    ),
    "live.res": ("Input resolution", "입력 해상도"),
    "live.res_auto": ("the weights' own", "가중치의 학습 해상도"),
    "live.res_help": (
        "The size the image is resized to before the network sees it. 'The weights' own' is "
        "the size they were trained at: 64×64 for the networks trained here, 224×224 for "
        "ImageNet. A larger size gives the deep blocks more pixels (points) to measure, a "
        "smaller one fewer; either way the network sees objects at a scale it was not trained "
        "for, so its predictions get worse.",
        "네트워크에 넣기 전에 이미지를 바꿀 크기입니다. '가중치의 학습 해상도'는 가중치를 학습할 "
        "때의 크기로, 여기서 학습한 네트워크는 64×64, ImageNet 가중치는 224×224입니다. 더 큰 "
        "크기를 고르면 깊은 블록에서 잴 픽셀(점)이 많아지고 더 작은 크기는 적어집니다. 어느 "
        "쪽이든 네트워크가 학습하지 않은 크기의 물체를 보게 되어 예측은 나빠집니다.",
    ),
    "live.estimator": ("Dimension estimator", "차원 추정기"),
    "live.est.pca": ("PCA 90% variance", "PCA 90% 분산"),
    "live.est.pr": ("participation ratio", "참여 비율"),
    "live.est.twonn": ("TwoNN", "TwoNN"),
    "live.est_help": (
        "PCA-90%: how many principal components hold 90% of the variance (a linear count). "
        "Participation ratio: (Σλ)² / Σλ² of the covariance eigenvalues (also linear, smooth). "
        "TwoNN (Facco et al. 2017): from the ratio of each point's two nearest-neighbour "
        "distances; sees curved manifolds, and values above about 20 are lower bounds.",
        "PCA 90%: 분산의 90%를 담는 주성분 개수(선형). 참여 비율: 공분산 고유값의 "
        "(Σλ)² / Σλ²(선형, 연속적). TwoNN(Facco 외 2017): 각 점의 가장 가까운 두 이웃 거리의 "
        "비율로 추정; 휘어진 manifold도 보지만 약 20 이상의 값은 하한입니다.",
    ),
    "live.mosaic_block": ("Mosaic: block", "모자이크: 블록"),
    "live.mosaic_probe": ("Mosaic: probe point", "모자이크: 측정 지점"),
    "live.probe.input": ("bottleneck (block input)", "bottleneck (블록 입력)"),
    "live.probe.expansion": ("expansion (after ReLU6)", "expansion (ReLU6 뒤)"),
    "live.probe.depthwise": ("depthwise (after ReLU6)", "depthwise (ReLU6 뒤)"),
    # Not "linear": with the ReLU6-bottleneck weights this point is after that ReLU6.
    "live.probe.projection": ("projection (block's last layer)", "projection (블록의 마지막 층)"),
    # Sections
    "live.input_title": ("What the network sees", "네트워크가 보는 입력"),
    "live.input_caption_generated": (
        "{source}, drawn directly at {res}×{res} (not resized), then normalised with "
        "ImageNet's mean and std.",
        "{source}, {res}×{res}로 바로 그린 뒤(크기 조정 없음) ImageNet 평균과 표준편차로 정규화.",
    ),
    "live.input_caption": (
        "{source}, resized and centre-cropped to {res}×{res}, then normalised with ImageNet's "
        "mean and std.",
        "{source}, {res}×{res}로 크기 조정과 가운데 자르기 후 ImageNet 평균과 표준편차로 정규화.",
    ),
    "live.pred_note.embedded": (
        "A network trained here knows the generated data set's {n} classes only, not "
        "ImageNet's.",
        "여기서 학습한 네트워크는 ImageNet이 아니라 생성 데이터셋의 {n}개 클래스만 압니다.",
    ),
    "live.pred_note.random": (
        "Random weights: these predictions mean nothing, which is the point of comparing.",
        "무작위 가중치: 이 예측은 아무 의미가 없으며, 바로 그 점을 비교하려는 것입니다.",
    ),
    "live.profile": ("The dimension profile", "차원 프로파일"),
    "live.profile_caption": (
        "{weights}; {points}; estimator: {est}. Dotted: the ambient dimension (channels). "
        "Bottom: ED divided by the ambient dimension. Hollow markers: fewer points (pixels) "
        "than channels, so the estimate cannot exceed the number of points.",
        "{weights}; {points}; 추정기: {est}. 점선: 채널 수(전체 차원). 아래: ED를 채널 수로 "
        "나눈 값. 속이 빈 표시: 점(픽셀)이 채널보다 적어 추정값이 점의 개수를 넘을 수 "
        "없는 곳.",
    ),
    "live.timing": (
        "Analysis of this {res}×{res} image: {seconds:.2f} s on this machine ({pixels:,} "
        "points in the first block, {last} in the last).",
        "이 {res}×{res} 이미지 분석: 이 컴퓨터에서 {seconds:.2f}초 (첫 블록의 점 {pixels:,}개, "
        "마지막 블록 {last}개).",
    ),
    "live.points_pixels": ("points = the h × w pixels of one image",
                           "점 = 이미지 한 장의 h × w 픽셀"),
    "live.zeros": ("Zeros after ReLU6", "ReLU6 뒤의 0"),
    "live.zeros_caption": (
        "The fraction of exact zeros after each ReLU6: information ReLU6 has removed from "
        "those channels at those pixels. The paper's Lemma 2: the map stays invertible where "
        "enough channels are positive — easier in the wide expansion.",
        "각 ReLU6 뒤 정확히 0인 값의 비율: 그 픽셀의 그 채널에서 ReLU6가 지운 정보입니다. "
        "논문의 Lemma 2: 양수인 채널이 충분하면 사상은 가역으로 남으며, 넓은 expansion에서 "
        "그러기 쉽습니다.",
    ),
    "live.compare": ("Two weight sources on the same image", "같은 이미지에서 두 가중치 비교"),
    "live.mosaic": ("One block's channels", "한 블록의 채널"),
    "live.mosaic_caption": (
        "Each tile is one channel of block {block} at the {probe}, over the image's pixels "
        "({weights}); first {shown} of {total} channels, one shared colour scale. Channels "
        "larger than {tile} x {tile} are drawn averaged over blocks of pixels (the CSV has "
        "every channel's full-resolution statistics).",
        "각 칸은 블록 {block}의 {probe}에서 한 채널을 이미지 픽셀 위에 그린 것입니다 "
        "({weights}); {total}개 중 처음 {shown}개 채널, 색 범위 공통. {tile} x {tile}보다 큰 "
        "채널은 픽셀 블록 평균으로 그립니다(CSV에는 모든 채널의 원래 해상도 통계가 있습니다).",
    ),
    "live.computing": ("Step {step}: running MobileNetV2 ({weights}) and measuring every probe "
                       "point of its 17 blocks…",
                       "{step}단계: MobileNetV2({weights})를 실행하고 17개 블록의 모든 측정 "
                       "지점을 재는 중…"),
    "live.explain_title": ("What the profile says about the paper's claims",
                           "프로파일이 논문의 주장에 대해 말해 주는 것"),
    "live.explain": (
        "- **The bottleneck holds the manifold (Section 3.2).** If the activations a real "
        "image makes lie near a low-dimensional manifold, the bottleneck's ED (blue) sits "
        "below its channel count (dotted) and a thin tensor between blocks loses little. The "
        "lower panel shows the share of channels used.\n"
        "- **The expansion is where the non-linearity works.** The expansion (orange) has t "
        "times more channels but, after ReLU6, about the same ED as the bottleneck, so its "
        "ED / ambient ratio is much smaller: ReLU6 cuts coordinates (see the zero fractions) "
        "in a space far larger than the manifold, which keeps the map invertible where enough "
        "channels stay positive (Lemma 2).\n"
        "- **The projection is linear on purpose.** It maps the wide tensor back to the thin "
        "one without a ReLU. Choose the ReLU6-bottleneck weights to see the other design; its "
        "cost in accuracy is on the block page (Figure 6a).\n"
        "- **Trained vs random.** Ansuini et al. (2019) found that in trained networks the "
        "TwoNN dimension first rises and then falls with depth, while untrained networks give a "
        "flat profile — and that the PCA count does not tell the two apart. Compare the two "
        "weight sources with TwoNN as well as PCA.\n"
        "- **What one image can show.** The points are the pixels of one image, so deep blocks "
        "of a small input have only a few (hollow markers): change the image, the resolution "
        "and the estimator, and look for what holds.",
        "- **bottleneck이 manifold를 담는다 (3.2절).** 실제 이미지가 만드는 활성값이 저차원 "
        "manifold 근처에 있다면 bottleneck의 ED(파랑)는 채널 수(점선)보다 낮고, 블록 사이의 "
        "얇은 tensor는 잃는 것이 적습니다. 아래 그래프는 쓰이는 채널의 비율입니다.\n"
        "- **비선형성은 expansion에서 일한다.** expansion(주황)은 채널이 t배 많지만 ReLU6 뒤의 "
        "ED는 bottleneck과 비슷하므로 ED / 채널 수 비율이 훨씬 작습니다. ReLU6는 manifold보다 "
        "훨씬 큰 공간에서 좌표를 자르므로(0의 비율 참고), 양수인 채널이 충분한 곳에서는 사상이 "
        "가역으로 남습니다(Lemma 2).\n"
        "- **projection은 일부러 linear이다.** 넓은 tensor를 ReLU 없이 다시 얇은 tensor로 "
        "보냅니다. ReLU6 bottleneck 가중치를 골라 다른 설계를 보세요. 정확도에 대한 대가는 "
        "블록 페이지(Figure 6a)에 있습니다.\n"
        "- **학습 대 무작위.** Ansuini 외(2019)는 학습된 네트워크에서 TwoNN 차원이 깊이에 따라 "
        "올라갔다가 내려가고, 학습되지 않은 네트워크는 평평하며, PCA 개수로는 둘을 구별하지 "
        "못한다는 것을 보였습니다. 두 가중치를 PCA뿐 아니라 TwoNN으로도 비교하세요.\n"
        "- **이미지 한 장이 보여 줄 수 있는 것.** 점은 이미지 한 장의 픽셀이므로 작은 입력의 "
        "깊은 블록에는 점이 몇 개뿐입니다(속이 빈 표시). 이미지, 해상도, 추정기를 바꿔 보며 "
        "무엇이 유지되는지 보세요.",
    ),
    "live.summary_blocks": (
        "The medians count only the blocks whose estimate has more points (pixels) than "
        "channels (filled markers; of {total}): bottleneck {input}, expansion {expansion}, "
        "depthwise {depthwise}, projection {projection}. A – means no block had enough.",
        "중앙값에는 추정에 쓴 점(픽셀)이 채널보다 많은 블록만 셉니다(채운 표시; 전체 {total}개 중): "
        "bottleneck {input}, expansion {expansion}, depthwise {depthwise}, projection "
        "{projection}. –는 그런 블록이 없다는 뜻입니다.",
    ),
    "live.summary": (
        "Measured on this image — **{weights}**: median ED / ambient at the bottleneck "
        "**{input}**, the expansion **{expansion}**, the depthwise output **{depthwise}**, the "
        "projection **{projection}**; ReLU6 zeroes **{zeros}** of the expansion's values.",
        # A closing ** between "%" and a Hangul letter does not close in CommonMark (it is not
        # right-flanking), so every bold value here is followed by a space or punctuation.
        "이 이미지에서 측정 — **{weights}**: ED / 채널 수의 중앙값은 bottleneck **{input}**, "
        "expansion **{expansion}**, depthwise 출력 **{depthwise}**, projection "
        "**{projection}**; ReLU6가 0으로 만드는 expansion 값의 비율: **{zeros}**.",
    ),
    "live.analysis_error": ("The analysis failed: {error}", "분석에 실패했습니다: {error}"),
    # Figures
    "live.fig.profile_title": ("Dimension profile — weights: {weights}",
                               "차원 프로파일 — 가중치: {weights}"),
    "live.fig.ed_vs_ambient": ("{est} vs ambient dimension", "{est} 대 채널 수"),
    "live.fig.ratio": ("ED / ambient", "ED / 채널 수"),
    "live.fig.ambient_of": ("channels: {probe}", "채널 수: {probe}"),
    "live.fig.dimension": ("dimension", "차원"),
    "live.fig.block": ("block", "블록"),
    "live.fig.mosaic_scale": ("activation value", "활성값"),
    "live.fig.zeros_title": ("Zeros after ReLU6 — weights: {weights}",
                             "ReLU6 뒤의 0 — 가중치: {weights}"),
    "live.fig.zero_fraction": ("fraction of zeros", "0의 비율"),
    "live.fig.compare_title": ("Same image, two weight sources ({est})",
                               "같은 이미지, 두 가중치 ({est})"),
    "live.fig.topk": ("Top-5 predictions", "Top-5 예측"),
    "live.fig.mosaic_title": (
        "Block {block}, {probe}: {shown} of {total} channels<br>weights: {weights}",
        "블록 {block}, {probe}: {total}개 중 {shown}개 채널<br>가중치: {weights}",
    ),
    # The generated data set's classes (model/synthetic.py CLASSES), for menus and top-5.
    "live.class.circle": ("circle", "원"),
    "live.class.triangle": ("triangle", "삼각형"),
    "live.class.square": ("square", "정사각형"),
    "live.class.star": ("star", "별"),
    "live.class.cross": ("cross", "십자"),
    "live.class.ring": ("ring", "고리"),
    "live.class.crescent": ("crescent", "초승달"),
    "live.class.stripes": ("stripes", "줄무늬"),
    "live.class.checker": ("checker", "체크무늬"),
    "live.class.dots": ("dots", "물방울무늬"),
}
