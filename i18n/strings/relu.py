"""Strings of the relu area: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
    # Navigation and home page
    "nav.relu": ("ReLU and manifolds", "ReLU와 manifold"),
    "home.desc.relu": (
        "The paper's Figure 1: a spiral lifted to n dimensions by a random matrix, passed "
        "through ReLU and projected back. See when it collapses, and compare with the theory.",
        "논문의 Figure 1: 나선을 무작위 행렬로 n차원에 올리고 ReLU를 거친 뒤 다시 되돌립니다. "
        "언제 정보가 무너지는지 보고 이론과 비교합니다.",
    ),
    # Page text
    "relu.title": ("ReLU and manifolds", "ReLU와 manifold"),
    "relu.intro": (
        "A {d}-D manifold X (here the {input}) is mapped to n dimensions by a random matrix T "
        "(n × {d}), {activation} is applied, and the result is mapped back with T's "
        "pseudo-inverse: x̂ = pinv(T) · {activation}(T · x) (paper, Section 3.2 and Figure 1).",
        "{d}차원 manifold X(여기서는 {input})를 무작위 행렬 T (n × {d})로 n차원에 옮기고 "
        "{activation}을(를) 적용한 다음, T의 유사역행렬로 되돌립니다: "
        "x̂ = pinv(T) · {activation}(T · x) (논문 3.2절, Figure 1).",
    ),
    # "relu.assumptions" for the spiral (the paper's own input), ".other" for the rest; "the
    # input ... is" rather than "the {input} is": "the two moons is" read wrong.
    "relu.assumptions": (
        "The paper does not give T, its spiral or a seed. Here T has independent Gaussian "
        "entries N(0, 1), the input is centred on the origin with its points at random (not "
        "evenly spaced) positions, and everything follows the seed in the sidebar.{noise}",
        "논문은 T, 논문의 나선, 시드를 밝히지 않습니다. 여기서는 T의 각 원소를 독립적인 가우시안 "
        "N(0, 1)으로 뽑고, 입력은 원점을 중심으로 하며 점들은 무작위 위치(균등 간격 "
        "아님)에 놓입니다. 모든 무작위 선택은 사이드바의 시드를 따릅니다.{noise}",
    ),
    "relu.assumptions.other": (
        "The paper does not give T or a seed, and its Figure 1 shows only a spiral: this page "
        "adds the {input}. Here T has independent Gaussian entries N(0, 1), the input "
        "is centred on the origin with its points at random (not evenly spaced) positions, and "
        "everything follows the seed in the sidebar.{noise}",
        "논문은 T와 시드를 밝히지 않으며, 논문의 Figure 1에는 나선만 있습니다: {input}은(는) 이 "
        "페이지가 더한 입력입니다. 여기서는 T의 각 원소를 독립적인 가우시안 N(0, 1)으로 뽑고, "
        "입력은 원점을 중심으로 하며 점들은 무작위 위치(균등 간격 아님)에 놓입니다. 모든 무작위 "
        "선택은 사이드바의 시드를 따릅니다.{noise}",
    ),
    "relu.noise_note": (
        " Each point has Gaussian noise of standard deviation {noise:g} added.",
        " 각 점에는 표준편차 {noise:g}의 가우시안 노이즈를 더했습니다.",
    ),
    "relu.settings": ("Settings of this page", "이 페이지의 설정"),
    "relu.input": ("Input manifold", "입력 manifold"),
    "relu.activation": ("Activation", "활성화 함수"),
    "relu.n_points": ("Points N", "점 개수 N"),
    "relu.noise": ("Noise (standard deviation)", "노이즈 (표준편차)"),
    "relu.n": ("Width n of the hidden layer", "은닉층 너비 n"),
    "relu.n_seeds": ("Seeds averaged in the sweep", "일괄 계산에서 평균 낼 시드 수"),
    "relu.input.spiral": ("spiral", "나선"),
    "relu.input.circle": ("circle", "원"),
    "relu.input.moons": ("two moons", "두 개의 달"),
    "relu.input.line": ("line through the origin", "원점을 지나는 직선"),
    "relu.input.disc": ("filled disc", "채워진 원판"),
    "relu.input.swiss_roll": ("3-D swiss roll", "3차원 스위스 롤"),
    "relu.error": ("Could not compute this figure: {error}", "이 그림을 계산할 수 없습니다: {error}"),
    "relu.computing": ("Computing the sweep over n and seeds…", "n과 시드에 대한 일괄 계산 중…"),
    "relu.sweep_queued": (
        "The sweep over {seeds} seeds is being computed on this server ({n} other job(s) "
        "first); the chart appears here when it is done.",
        "시드 {seeds}개에 대한 일괄 계산을 이 서버에서 하고 있습니다 (앞선 작업 {n}개). 끝나면 "
        "여기에 차트가 나타납니다."),
    "relu.s1.title": ("1. Figure 1 of the paper", "1. 논문의 Figure 1"),
    "relu.s1.single_draw.soft": (
        "Each panel is a single draw of T (seed {seed}): another draw bends the shape "
        "differently, and its share varies with it.",
        "각 패널은 T를 한 번 뽑은 결과(시드 {seed})입니다: 다시 뽑으면 모양이 다르게 휘고 비율도 "
        "함께 달라집니다.",
    ),
    "relu.s1.single_draw": (
        "Each panel is a single draw of T (seed {seed}), so its share varies from draw to draw "
        "(at n = 5 one draw can show far fewer collapsed points than the theory's average); "
        "section 3 averages over seeds for the expected value.",
        "각 패널은 T를 한 번 뽑은 결과(시드 {seed})이므로 비율이 뽑을 때마다 달라집니다 (n = 5에서 "
        "한 번의 결과가 이론의 평균보다 훨씬 적게 무너질 수 있습니다). 기댓값은 여러 시드의 평균을 "
        "낸 3절에서 보세요.",
    ),
    "relu.s1.text": (
        "Colour follows the position along the input, so a fold or a collapse shows where "
        "colours meet or points pile up. With n = 2 or 3 {activation} zeroes most coordinates "
        "and whole stretches of the {input} collapse onto lines or points; with n = 15 or 30 "
        "the shape survives. This is the paper's argument for expanding before a ReLU "
        "(Section 3.2, Figure 1). Panel titles give the share of points with fewer than d = {d} "
        "active units.",
        "색은 입력 위의 위치를 따르므로, 접히거나 무너진 곳에서는 색이 만나거나 점이 겹칩니다. "
        "n = 2, 3이면 {activation}이(가) 대부분의 좌표를 0으로 만들어 {input}의 큰 부분이 선이나 "
        "점 위로 무너지고, n = 15, 30이면 모양이 살아남습니다. 이것이 ReLU 전에 차원을 늘려야 "
        "한다는 논문의 주장입니다 (3.2절, Figure 1). 각 패널 제목은 활성 유닛이 d = {d}개보다 "
        "적은 점의 비율입니다.",
    ),
    "relu.s1.text.soft": (
        "Colour follows the position along the input, so a fold shows where colours meet. "
        "{activation} is one-to-one (or nearly so), so no point of the {input} collapses at any "
        "width: the panels show how the shape bends, not what is lost. Compare with ReLU, "
        "where n = 2 or 3 flattens whole stretches (Section 3.2, Figure 1). Panel titles give "
        "the share of points with fewer than d = {d} units on the positive side.",
        "색은 입력 위의 위치를 따르므로, 접힌 곳에서는 색이 만납니다. {activation}은(는) "
        "일대일 함수이거나 거의 그렇기 때문에 어떤 너비에서도 {input}의 점이 무너지지 않습니다: "
        "패널은 잃는 것이 아니라 모양이 휘는 모습을 보여 줍니다. n = 2, 3에서 큰 부분이 납작해지는 "
        "ReLU와 비교해 보세요 (3.2절, Figure 1). 각 패널 제목은 양수 쪽 유닛이 d = {d}개보다 적은 "
        "점의 비율입니다.",
    ),
    "relu.s2.title": ("2. One width in depth", "2. 한 너비 자세히 보기"),
    "relu.s2.text": (
        "Left: the recovered {input}, coloured by how many of the n units are active "
        "(positive) at each point. Where fewer than d = {d} are active, {activation}(Tx) is not invertible "
        "there (paper, Appendix A, Lemma 2) and points fall onto a line or a point. Right: the "
        "n-dimensional hidden layer itself, drawn with its top three principal components. "
        "For large n the recovered shape is about x / 2 (the fitted scale): each unit is "
        "active for half of the directions.",
        "왼쪽: 복원된 {input}. 각 점에서 n개 유닛 중 몇 개가 활성(양수)인지로 색을 칠했습니다. "
        "활성 유닛이 d = {d}개보다 적은 곳에서는 {activation}(Tx)를 되돌릴 수 없어 (논문 부록 A, "
        "Lemma 2) 점들이 선이나 한 점으로 모입니다. 오른쪽: n차원 은닉층 자체를 주성분 세 개로 "
        "그린 것입니다. n이 크면 복원된 모양은 대략 x / 2입니다 (맞춘 배율): 각 유닛은 방향의 "
        "절반에서만 활성이기 때문입니다.",
    ),
    "relu.s2.text.soft": (
        "Left: the recovered {input}, coloured by how many of the n units are positive at each "
        "point. {activation} is one-to-one (or nearly so), so pinv(T) · {activation}(T · x) "
        "bends the {input} but does not flatten it onto a line, whatever the count. Right: the "
        "n-dimensional hidden layer itself, drawn with its top three principal components.",
        "왼쪽: 복원된 {input}. 각 점에서 n개 유닛 중 몇 개가 양수인지로 색을 칠했습니다. "
        "{activation}은(는) 일대일 함수이거나 거의 그렇기 때문에, 그 개수와 상관없이 "
        "pinv(T) · {activation}(T · x)는 {input}을(를) 휘게 할 뿐 선 위로 납작하게 만들지 "
        "않습니다. 오른쪽: n차원 은닉층 자체를 주성분 세 개로 그린 것입니다.",
    ),
    "relu.s3.title": ("3. Information loss against n", "3. n에 따른 정보 손실"),
    "relu.s3.text": (
        "Measured over {seeds} seeds (mean ± standard deviation) against the theory "
        "P(Binomial(n, 1/2) ≤ d − 1), which is {formula} for d = {d} (paper, Appendix A). "
        "Shape error is what is left after the best scale + rotation + shift (0 = same shape); "
        "trustworthiness (scikit-learn's formula, 10 neighbours, 300 points) is 1 when no false "
        "neighbours appear. Fractions of exactly 0 are not drawn on the log axis, and where "
        "mean − sd ≤ 0 the lower half of the bar is left out (a log axis has no 0).",
        "{seeds}개 시드에 대해 측정한 값(평균 ± 표준편차)과 이론값 P(Binomial(n, 1/2) ≤ d − 1)을 "
        "비교합니다. d = {d}이면 {formula}입니다 (논문 부록 A). 모양 오차는 가장 잘 맞춘 배율 + "
        "회전 + 이동 뒤에 남는 오차이고 (0 = 같은 모양), 신뢰성(scikit-learn의 "
        "`trustworthiness` 공식, 이웃 10개, 점 300개)은 가짜 이웃이 없으면 1입니다. 정확히 0인 "
        "비율은 로그 축에 그려지지 않고, 평균 − 표준편차 ≤ 0인 곳은 오차 막대의 아래쪽 절반을 "
        "그리지 않습니다 (로그 축에는 0이 없습니다).",
    ),
    "relu.s3.text.soft": (
        "Measured over {seeds} seeds (mean ± standard deviation). With {activation} no point "
        "collapses; the left panel counts points with fewer than d = {d} positive units, which "
        "for ReLU would be the theory P(Binomial(n, 1/2) ≤ d − 1) (dashed). Shape error is what "
        "is left after the best scale + rotation + shift (0 = same shape); trustworthiness "
        "(scikit-learn's formula, 10 neighbours, 300 points) is 1 when no false neighbours "
        "appear. Where mean − sd ≤ 0 the lower half of the bar is left out (a log axis has no 0).",
        "{seeds}개 시드에 대해 측정한 값(평균 ± 표준편차)입니다. {activation}에서는 무너지는 점이 "
        "없습니다. 왼쪽 패널은 양수 유닛이 d = {d}개보다 적은 점을 세며, ReLU라면 이 값이 이론값 "
        "P(Binomial(n, 1/2) ≤ d − 1)(점선)입니다. 모양 오차는 가장 잘 맞춘 배율 + 회전 + 이동 뒤에 "
        "남는 오차이고 (0 = 같은 모양), 신뢰성(scikit-learn의 `trustworthiness` 공식, 이웃 10개, "
        "점 300개)은 가짜 이웃이 없으면 1입니다. 평균 − 표준편차 ≤ 0인 곳은 오차 막대의 아래쪽 "
        "절반을 그리지 않습니다 (로그 축에는 0이 없습니다).",
    ),
    "relu.not_relu": (
        "{activation} is injective (leaky ReLU, tanh, softplus, linear) or nearly so (GELU): "
        "no point truly collapses. The 'collapsed' count then only says how many points have "
        "fewer than d units on the positive side; watch the shape error instead.",
        "{activation}은(는) 단사 함수이거나 (leaky ReLU, tanh, softplus, linear) 거의 그렇습니다 "
        "(GELU): 실제로 무너지는 점은 없습니다. 이때 '무너짐' 값은 양수 쪽 유닛이 d개보다 "
        "적은 점의 수일 뿐이니, 모양 오차를 보세요.",
    ),
    "relu.line_note": (
        "A line through the origin meets only two directions, so the theory's assumption (a "
        "manifold through all directions) does not hold here.",
        "원점을 지나는 직선은 두 방향만 지나므로, 이론의 가정(모든 방향을 지나는 manifold)이 "
        "성립하지 않습니다.",
    ),
    # Figures
    "relu.fig.input": ("Input", "입력"),
    # Three short lines: six panels side by side leave ~140 px a title at 1024 px wide.
    "relu.fig.panel": ("n = {n}<br>{collapsed:.1f}%<br>collapsed", "n = {n}<br>{collapsed:.1f}%<br>무너짐"),
    # Three short lines, as the ReLU panels: one line ran into its neighbours in Korean.
    "relu.fig.panel.soft": ("n = {n}<br>{collapsed:.1f}%<br>< {d} positive",
                            "n = {n}<br>{collapsed:.1f}%<br>양수 {d}개 미만"),
    "relu.fig.grid_title": (
        "pinv(T) · {activation}(T · x) for the {input} (Gaussian T)",
        "{input}에 대한 pinv(T) · {activation}(T · x) (가우시안 T)",
    ),
    "relu.fig.recovered": (
        "Recovered, n = {n}<br>scale {scale:.2f}, shape error {error:.2f}",
        "복원된 모양, n = {n}<br>배율 {scale:.2f}, 모양 오차 {error:.2f}",
    ),
    "relu.fig.hidden_pca": (
        "Hidden layer (n = {n}), top 3 PCs<br>{share:.0f}% of variance",
        "은닉층 (n = {n}), 주성분 3개<br>분산의 {share:.0f}%",
    ),
    "relu.fig.active_units": ("active units", "활성 유닛 수"),
    "relu.fig.pc": ("PC{k}", "PC{k}"),      # short: longer titles were cut off by the scene
    "relu.fig.depth_title": (
        "n = {n}, {activation}: {collapsed:.1f}% of points have fewer than d active units",
        "n = {n}, {activation}: 활성 유닛이 d개보다 적은 점 {collapsed:.1f}%",
    ),
    "relu.fig.loss_collapsed": ("Collapsed fraction", "무너진 점의 비율"),
    "relu.fig.loss_collapsed.soft": ("Fewer than d positive units", "양수 유닛이 d개보다 적은 점"),
    "relu.fig.lower_clipped": ("mean − sd ≤ 0: lower end not drawn (log axis)",
                               "평균 − 표준편차 ≤ 0: 아래쪽 끝은 그리지 않음 (로그 축)"),
    "relu.fig.loss_shape": ("Shape error and fitted scale", "모양 오차와 맞춘 배율"),
    "relu.fig.loss_trust": ("Trustworthiness", "신뢰성"),
    "relu.fig.theory": ("theory P(Bin(n, ½) ≤ d − 1), d = {d}", "이론 P(Bin(n, ½) ≤ d − 1), d = {d}"),
    "relu.fig.theory.soft": ("ReLU's theory P(Bin(n, ½) ≤ d − 1), d = {d}",
                             "ReLU의 이론 P(Bin(n, ½) ≤ d − 1), d = {d}"),
    "relu.fig.measured": ("measured, {seeds} seeds", "측정값, 시드 {seeds}개"),
    "relu.fig.shape_error": ("shape error", "모양 오차"),
    "relu.fig.scale": ("fitted scale", "맞춘 배율"),
    # ReLU and ReLU6 only: half the units active on average (the dotted line at 1/2).
    "relu.fig.scale.relu": ("fitted scale (→ 1/2)", "맞춘 배율 (→ 1/2)"),
    "relu.fig.trust": ("trustworthiness", "신뢰성"),
    "relu.fig.width_n": ("width n", "너비 n"),
    "relu.fig.fraction": ("fraction of points", "점의 비율"),
    "relu.fig.loss_title": (
        "Information loss against n: {activation} on the {input}, {seeds} seeds",
        "n에 따른 정보 손실: {input}에 {activation}, 시드 {seeds}개",
    ),
    "relu.caption.grid": (
        "Paper Figure 1 recomputed: the {input} (N = {n_points}, noise σ = {noise:g}, seed "
        "{seed}) through pinv(T) · {activation}(T · x) with Gaussian T, n = {ns}. Each panel "
        "is one draw of T: its share varies from draw to draw.",
        "논문 Figure 1 재계산: {input} (N = {n_points}, 노이즈 σ = {noise:g}, 시드 {seed})을(를) "
        "가우시안 T로 pinv(T) · {activation}(T · x)에 통과, n = {ns}. 패널마다 T를 한 번 뽑은 "
        "결과이므로 비율은 뽑을 때마다 달라집니다.",
    ),
    "relu.caption.depth": (
        "n = {n}, {activation} on the {input} (N = {n_points}, noise σ = {noise:g}, seed "
        "{seed}): recovered shape coloured by active units (fitted scale {scale:.2f}, shape "
        "error {error:.2f}) and the hidden layer's top three principal components.",
        "n = {n}, {input}에 {activation} (N = {n_points}, 노이즈 σ = {noise:g}, 시드 {seed}): "
        "활성 유닛 수로 색칠한 복원 모양 (맞춘 배율 {scale:.2f}, 모양 오차 {error:.2f})과 "
        "은닉층의 주성분 세 개.",
    ),
    "relu.caption.loss": (
        "{measure}, shape error, fitted scale and trustworthiness against n for {activation} "
        "on the {input} (N = {n_points}, noise σ = {noise:g}, {seeds} seeds from seed {seed}, "
        "mean ± sd), with the theory of the paper's Appendix A. Where mean − sd ≤ 0 the lower "
        "half of the bar is left out (log axis).",
        "{input} (N = {n_points}, 노이즈 σ = {noise:g}, 시드 {seed}부터 {seeds}개, 평균 ± "
        "표준편차)에 대한 {activation}의 n에 따른 {measure}, 모양 오차, 맞춘 배율, 신뢰성과 논문 "
        "부록 A의 이론값. 평균 − 표준편차 ≤ 0인 곳은 오차 막대의 아래쪽 절반을 그리지 않음 (로그 축).",
    ),
    # Figure 1 with an in-chart slider (figures/relu_frames.py)
    "relu.frames.text": (
        "Drag the slider under this chart through n = 1 … 64, or press Play: every width is "
        "computed in advance, so the shape follows your hand in the browser without waiting "
        "for the server. Colour is the position along the input, as in Figure 1, and each step "
        "zooms to its points. For n above 64 use the slider above (up to 256).",
        "이 차트 아래의 슬라이더를 n = 1 … 64 사이에서 끌거나 재생을 누르세요. 모든 너비를 "
        "미리 계산해 두었기 때문에 서버를 기다리지 않고 브라우저에서 모양이 손을 따라 바로 "
        "바뀝니다. 색은 Figure 1처럼 입력 위의 위치이고, 단계마다 그 점들에 맞춰 확대됩니다. "
        "n이 64보다 크면 위의 슬라이더를 쓰세요 (최대 256).",
    ),
    "relu.frames.fig_title": (
        "{activation}, n = {n}: {collapsed:.1f}% of points collapsed<br>(fewer than d active units)",
        "{activation}, n = {n}: 점의 {collapsed:.1f}%가 무너짐<br>(활성 유닛 d개 미만)",
    ),
    "relu.frames.slider": ("n = ", "n = "),
    "relu.frames.play": ("▶ Play", "▶ 재생"),
    "relu.frames.pause": ("❚❚ Pause", "❚❚ 일시 정지"),
    "relu.caption.frames": (
        "Figure 1 for every width n = {lo} to {hi}: {input} (N = {n_points}, {drawn} drawn, "
        "seed {seed}) through pinv(T) · {activation}(T · x) with Gaussian T, one frame per n, "
        "coordinates rounded to {step:g}.",
        "너비 n = {lo}부터 {hi}까지의 Figure 1: {input} (N = {n_points}, 그린 점 {drawn}개, "
        "시드 {seed})을(를) 가우시안 T로 pinv(T) · {activation}(T · x)에 통과, n마다 프레임 "
        "하나, 좌표는 {step:g} 단위로 반올림.",
    ),
    # Download widget (app/downloads.py)
    # Short: "Download this figure" was cut off in the ReLU page's narrow text column at 1280 px.
    "downloads.label": ("Download", "다운로드"),
    "downloads.help": ("Download this figure (PNG, SVG, PDF, HTML, CSV)",
                       "이 그림 다운로드 (PNG, SVG, PDF, HTML, CSV)"),
    "downloads.caption": ("Caption: {caption}", "설명: {caption}"),
    "downloads.no_font": (
        "Korean PNG/PDF need a Hangul font: install it with `sudo apt-get install fonts-nanum`.",
        "한국어 PNG/PDF에는 한글 글꼴이 필요합니다: `sudo apt-get install fonts-nanum`으로 "
        "설치하세요.",
    ),
}
