"""Strings of the classroom area: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
    # Presenter mode (app/views/presenter.py).
    "nav.presenter": ("Presenter mode", "발표 모드"),
    "home.desc.presenter": (
        "The lecture in seven screens for a projector: Figure 1, the collapse curve, the "
        "block, the dimension profile, Figure 7 and the information kept over a data set, and "
        "the ablation. Controls hidden, large type, Back / Next "
        "buttons; the slide number is in the link.",
        "프로젝터용 일곱 장짜리 강의: Figure 1, 무너짐 곡선, 블록, 데이터 집합 위의 차원 프로파일, "
        "Figure 7과 보존된 정보, ablation. "
        "설정은 숨기고 글자는 크게, 이전/다음 버튼으로 넘기며 슬라이드 번호가 링크에 남습니다.",
    ),
    "home.start_presenting": ("Start presenting", "발표 시작"),
    "presenter.back": ("Back", "이전"),
    "presenter.next": ("Next", "다음"),
    "presenter.position": ("Slide {i} of {n}", "{n}장 중 {i}번째"),
    "presenter.exit": ("Leave presenter mode", "발표 모드 나가기"),
    "presenter.building": ("Preparing the figure…", "그림을 준비하는 중…"),
    "presenter.unavailable": (
        "This slide's figure is not available in this version of the app yet; the other "
        "slides work.",
        "이 슬라이드의 그림은 아직 이 버전의 앱에 없습니다. 다른 슬라이드는 볼 수 있습니다.",
    ),
    "presenter.failed": (
        "This slide's figure could not be drawn: {error}",
        "이 슬라이드의 그림을 그리지 못했습니다: {error}",
    ),
    # The lecture (figures/lecture.py): one title and one short text per slide.
    "lecture.figure1.title": ("1 · ReLU folds a manifold (Figure 1)", "1 · ReLU는 manifold를 접는다 (Figure 1)"),
    "lecture.figure1.text": (
        "A 2-D spiral is lifted into n dimensions by a random matrix T, passed through ReLU and "
        "brought back with T's pseudo-inverse. With n = 2 or 3 whole arms of the spiral collapse "
        "onto lines; with n = 15 or 30 the shape survives (paper §3.2, Figure 1). Each panel is a "
        "single draw of T, so its share varies from draw to draw (at n = 5 one draw can collapse "
        "far fewer points than the theory's average); slide 2 averages over seeds.",
        "2차원 나선을 무작위 행렬 T로 n차원에 올리고 ReLU를 거친 뒤 T의 유사역행렬로 되돌립니다. "
        "n = 2, 3이면 나선의 팔이 통째로 선 위로 무너지고, n = 15, 30이면 모양이 살아남습니다 "
        "(논문 §3.2, Figure 1). 패널마다 T를 한 번 뽑은 결과이므로 비율은 뽑을 때마다 달라집니다 "
        "(n = 5에서 한 번의 결과가 이론의 평균보다 훨씬 적게 무너질 수 있습니다). 여러 시드의 평균은 "
        "2번 슬라이드에서 봅니다.",
    ),
    "lecture.collapse.title": ("2 · How much is lost, against n", "2 · n에 따른 정보 손실"),
    "lecture.collapse.text": (
        "A point collapses when fewer than d of its n ReLU units are active. Measured over many "
        "seeds, the collapsed fraction follows the theory P(Binomial(n, 1/2) ≤ d − 1) and falls "
        "fast with n: expand before the non-linearity (paper, Appendix A).",
        "n개의 ReLU 유닛 중 활성인 것이 d개보다 적으면 그 점은 무너집니다. 여러 시드로 잰 무너진 점의 "
        "비율은 이론값 P(Binomial(n, 1/2) ≤ d − 1)을 따르며 n이 커지면 빠르게 줄어듭니다: "
        "비선형성 앞에서 expansion 하라는 뜻입니다 (논문 부록 A).",
    ),
    "lecture.block.title": ("3 · The inverted residual block (Table 1)", "3 · Inverted residual 블록 (Table 1)"),
    "lecture.block.text": (
        "Thin bottleneck in, 1×1 expansion by t with ReLU6, 3×3 depthwise with ReLU6, then a "
        "linear 1×1 projection back to a thin bottleneck; the shortcut joins the bottlenecks. "
        "Cost h·w·d′·t·(d′ + k² + d″) multiply-adds (paper §3.3, Table 1).",
        "얇은 bottleneck으로 들어와 1×1 expansion(t배, ReLU6), 3×3 depthwise(ReLU6)를 거친 뒤 "
        "linear 1×1 projection으로 다시 얇은 bottleneck이 됩니다. shortcut은 bottleneck끼리 "
        "잇습니다. 비용은 h·w·d′·t·(d′ + k² + d″) MAdds입니다 (논문 §3.3, Table 1).",
    ),
    "lecture.profile.title": ("4 · Where the manifold lives: the dimension profile over a data set",
                              "4 · manifold는 어디에 있나: 데이터 집합 위의 차원 프로파일"),
    "lecture.profile.text": (
        "The dimension at each block's bottleneck over a set of generated images, with 95% "
        "intervals over images, beside Gaussian points of the same size (dotted); trained and "
        "random weights side by side.",
        "생성 이미지 집합에서 잰 각 블록 bottleneck의 차원과 이미지 단위 95% 구간을 같은 크기의 "
        "가우시안 점(점선)과 함께 보여 줍니다. 학습된 가중치와 무작위 가중치를 나란히 놓았습니다.",
    ),
    "lecture.figure7.title": ("5 · Figure 7 inside every block: ReLU stays invertible",
                              "5 · 모든 블록 안의 Figure 7: ReLU는 가역으로 남는다"),
    "lecture.figure7.text": (
        "Per pixel, the share of expansion channels left positive by ReLU6, over the same image "
        "set, against Lemma 2's threshold d_in / (t·d_in) = 1/t: above it, the expansion can be "
        "inverted and no information is lost (paper, Figure 7 and Appendix A). Each dot is the "
        "mean over pixels; its bar runs from the lowest to the highest pixel.",
        "같은 이미지 집합에서 픽셀마다 ReLU6 뒤에 양수로 남은 expansion 채널의 비율을 Lemma 2의 "
        "문턱 d_in / (t·d_in) = 1/t와 비교합니다: 문턱 위에서는 expansion을 되돌릴 수 있어 정보가 "
        "사라지지 않습니다 (논문 Figure 7, 부록 A). 점은 픽셀 평균이고, 막대는 가장 낮은 픽셀부터 "
        "가장 높은 픽셀까지입니다.",
    ),
    "lecture.recovery.title": ("6 · Non-linearity in the wide layer, not in the bottleneck",
                               "6 · 비선형성은 bottleneck이 아니라 넓은 층에"),
    "lecture.recovery.text": (
        "How much of a block's thin input X a linear map recovers (held-out R², fitted and "
        "tested on different images): from ReLU6 of the expansion, and from ReLU6 applied to X "
        "itself: what the second loses is what a non-linear bottleneck would lose (paper §3.2).",
        "블록의 얇은 입력 X를 선형 사상이 얼마나 복원하는지(서로 다른 이미지로 학습·검증한 R²): "
        "expansion의 ReLU6에서, 그리고 X 자체에 ReLU6를 적용한 값에서: 뒤쪽이 잃는 것이 비선형 "
        "bottleneck이 잃게 될 정보입니다 (논문 §3.2).",
    ),
    "lecture.ablation.title": ("7 · Linear bottleneck vs ReLU6 (Figure 6a)",
                               "7 · Linear bottleneck 대 ReLU6 (Figure 6a)"),
    "lecture.ablation.text": (
        "The same network trained twice on the app's generated images: with a linear projection "
        "(the paper) and with ReLU6 after it. The paper reports that a non-linear bottleneck "
        "costs several percent of top-1 on ImageNet (§6.4, Figure 6a).",
        "앱이 만든 이미지로 같은 네트워크를 두 번 학습했습니다: linear projection(논문)과 그 뒤에 "
        "ReLU6를 둔 경우. 논문은 비선형 bottleneck이 ImageNet top-1을 몇 퍼센트 떨어뜨린다고 "
        "보고합니다 (§6.4, Figure 6a).",
    ),
    # Upload limits (app/limits.py), shown as help beside each upload.
    "limits.image_upload": (
        "Up to {mb} MB and {mp} megapixels; PNG, JPEG, GIF (first frame), WebP, BMP, TIFF.",
        "최대 {mb} MB, {mp}메가픽셀까지; PNG, JPEG, GIF(첫 프레임), WebP, BMP, TIFF.",
    ),
    "limits.checkpoint_upload": (
        "Up to {mb} MB. Only a state dict of tensors is read (torch.load with "
        "weights_only=True); a file that would run code is refused.",
        "최대 {mb} MB. tensor로 된 `state_dict`만 읽습니다(`torch.load(weights_only=True)`). 코드를 "
        "실행하려는 파일은 거부합니다.",
    ),
    # Exports for slides (figures/slides.py, app/downloads.py, app/export.py --deck).
    # The settings a source line names (figures.slides.settings_words).
    "setting.input_name": ("input", "입력"),
    "setting.activation": ("activation", "활성화 함수"),
    "setting.n": ("width n", "너비 n"),
    "setting.n_points": ("points", "점 수"),
    "setting.noise": ("noise σ", "노이즈 σ"),
    "setting.n_seeds": ("seeds averaged", "평균한 시드 수"),
    "setting.seed": ("seed", "시드"),
    "setting.grid_ns": ("widths drawn", "그린 너비"),
    "setting.ns": ("widths swept", "훑은 너비"),
    "setting.d_i": ("input channels d_i", "입력 채널 d_i"),
    "setting.d_j": ("output channels d_j", "출력 채널 d_j"),
    "setting.t": ("expansion t", "expansion t"),
    "setting.k": ("kernel k", "커널 k"),
    "setting.h": ("height h", "높이 h"),
    "setting.w": ("width w", "너비 w"),
    "setting.stride": ("stride s", "stride s"),
    "setting.repeats": ("timed runs", "시간 측정 횟수"),
    "setting.width": ("width multiplier", "width multiplier"),
    "setting.res": ("resolution", "해상도"),
    "setting.resolution": ("resolution", "해상도"),
    "setting.block": ("block", "블록"),
    "setting.estimator": ("estimator", "추정기"),
    "setting.est": ("estimator", "추정기"),
    "setting.probe": ("probe point", "측정 지점"),
    "setting.n_images": ("images", "이미지 수"),
    "setting.weights": ("weights", "가중치"),
    "setting.compare": ("compared with", "비교 대상"),
    "setting.image": ("image", "이미지"),
    "setting.image_set": ("image set", "이미지 집합"),
    "setting.pixels_per_image": ("pixels per image", "이미지당 픽셀"),
    "setting.n_boot": ("bootstrap replicates", "부트스트랩 횟수"),
    "setting.frame_ns": ("widths on the slider", "슬라이더의 너비"),
    "setting.max_points": ("points drawn at most", "최대로 그린 점 수"),
    "slides.source": (
        "Source: MobileNetV2 paper (Sandler et al., CVPR 2018) {section} · Manifold Lab, "
        "settings: {settings}",
        "출처: MobileNetV2 논문 (Sandler 외, CVPR 2018) {section} · Manifold Lab, 설정: {settings}",
    ),
    "downloads.aspect": ("Layout", "배치"),
    "downloads.aspect.page": ("As on the page", "페이지 그대로"),
    "downloads.aspect.16:9": ("16:9 slide", "16:9 슬라이드"),
    "downloads.with_caption": ("Caption and source inside the image",
                               "그림 안에 설명과 출처 넣기"),
    "deck.title": ("Manifold Lab: the MobileNetV2 lecture (Sandler et al., CVPR 2018)",
                   "Manifold Lab: MobileNetV2 강의 (Sandler 외, CVPR 2018)"),
    "deck.no_figure": ("(this slide's figure is not available)", "(이 슬라이드의 그림은 없습니다)"),
}
