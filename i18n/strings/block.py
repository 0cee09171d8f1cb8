"""Strings of the block area: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
    "nav.block": ("Inverted residual block", "Inverted residual 블록"),
    "home.desc.block": (
        "The bottleneck block itself: its cost next to a standard and a depthwise-separable "
        "convolution (measured here), Tables 1-3 computed from the model, memory-efficient "
        "inference with k groups, and the linear-vs-ReLU6 bottleneck ablation.",
        "bottleneck 블록 자체: 표준 convolution, depthwise separable convolution과 비용 "
        "비교(여기서 측정), 모델에서 계산한 Table 1-3, k개 그룹으로 나눈 메모리 효율 추론, "
        "linear 대 ReLU6 bottleneck ablation.",
    ),
    "block.title": ("The inverted residual block", "Inverted residual 블록"),
    "block.intro": (
        "MobileNetV2's building block keeps a **thin** tensor between blocks (the bottleneck, "
        "d channels), **expands** it t times with a 1×1 convolution and ReLU6, filters each "
        "channel with a 3×3 **depthwise** convolution and ReLU6, and **projects** back to a thin "
        "tensor with a **linear** 1×1 convolution — the reverse of the classic residual block, "
        "which is wide at its ends.",
        "MobileNetV2의 기본 블록은 블록 사이에 **얇은** tensor(bottleneck, d 채널)를 두고, "
        "1×1 convolution과 ReLU6로 t배 **expansion** 한 뒤, 3×3 **depthwise** convolution과 "
        "ReLU6로 채널마다 거르고, **linear** 1×1 convolution으로 다시 얇은 tensor로 "
        "**projection** 합니다. 양 끝이 넓은 고전적인 residual 블록과 반대 모양입니다.",
    ),
    # Interactive block
    "block.interactive": ("1. One block, three ways", "1. 한 블록, 세 가지 방법"),
    "block.interactive_help": (
        "Set the shapes: the layer turns an h × w × d_i tensor into d_j channels. MAdds and "
        "parameters come from the formulas of Sections 3.1 and 3.3 (checked against torch "
        "modules in the tests); the time is measured here with torch on this machine's CPU "
        "(fastest of {repeats} runs, one image, one CPU thread as the app runs torch).",
        "크기를 정하세요: 이 층은 h × w × d_i tensor를 d_j 채널로 바꿉니다. MAdds와 파라미터는 "
        "3.1절과 3.3절의 공식으로 계산하고(테스트에서 torch 모듈과 대조), 시간은 이 컴퓨터의 "
        "CPU에서 torch로 직접 측정합니다(이미지 한 장, {repeats}회 중 가장 빠른 값, 앱처럼 CPU 스레드 하나).",
    ),
    "block.d_i": ("input channels d_i", "입력 채널 d_i"),
    "block.d_j": ("output channels d_j", "출력 채널 d_j"),
    "block.t": ("expansion t", "expansion t"),
    "block.k": ("kernel k", "커널 k"),
    "block.h": ("height h", "높이 h"),
    "block.w": ("width w", "너비 w"),
    "block.stride": ("stride s", "stride s"),
    "block.option.standard": ("standard k×k conv", "표준 k×k conv"),
    "block.option.separable": ("depthwise separable", "depthwise separable"),
    "block.option.bottleneck": ("bottleneck block (t)", "bottleneck 블록 (t)"),
    "block.formulas": (
        "Formulas (h' = h/s, w' = w/s): standard h'·w'·d_i·d_j·k² · separable h'·w'·d_i·(k² + d_j) "
        "· bottleneck h·w·d_i·t·d_i + h'·w'·t·d_i·(k² + d_j), which is the paper's "
        "h·w·d_i·t·(d_i + k² + d_j) at s = 1. Parameters include BatchNorm's scale and shift. "
        "With t = 1 there is no expansion layer (as in the network's first block).",
        "공식 (h' = h/s, w' = w/s): 표준 h'·w'·d_i·d_j·k² · separable h'·w'·d_i·(k² + d_j) "
        "· bottleneck h·w·d_i·t·d_i + h'·w'·t·d_i·(k² + d_j) (s = 1이면 논문의 "
        "h·w·d_i·t·(d_i + k² + d_j)). 파라미터에는 BatchNorm의 배율과 이동 값이 포함됩니다. "
        "t = 1이면 expansion 층이 없습니다(네트워크의 첫 블록처럼).",
    ),
    "block.ratio": (
        "Standard / separable MAdds: **{ratio:.1f}×** (the paper: 8 to 9 times for k = 3 and "
        "many channels). The bottleneck block costs **{bratio:.2f}×** the separable layer here, "
        "and keeps only d_i + d_j channels between blocks.",
        "표준 / separable MAdds: **{ratio:.1f}배** (논문: k = 3이고 채널이 많을 때 8~9배). "
        "여기서 bottleneck 블록은 separable 층의 **{bratio:.2f}배** 비용이며, 블록 사이에는 "
        "d_i + d_j 채널만 남깁니다.",
    ),
    "block.time_note": (
        "Measured times depend on this machine and its load; MAdds do not. Small layers are "
        "dominated by per-call overhead, so time follows MAdds only for large shapes.",
        "측정 시간은 이 컴퓨터와 그 부하에 따라 달라지지만 MAdds는 그렇지 않습니다. 작은 층은 "
        "호출 오버헤드가 대부분이라 큰 크기에서만 시간이 MAdds를 따라갑니다.",
    ),
    "block.too_much_work": (
        "This block is too much work to time here: one run of the three options is "
        "{madds} GMAdds, and a link may ask for at most {limit} GMAdds (a few seconds of this "
        "server). Lower the channels, t, k or the size.",
        "이 블록은 여기서 시간을 재기에 계산량이 너무 많습니다: 세 가지 방식을 한 번 실행하는 데 "
        "{madds} GMAdds이고, 한 링크가 요청할 수 있는 양은 최대 {limit} GMAdds입니다(이 서버에서 "
        "몇 초). 채널 수, t, k 또는 크기를 줄이세요.",
    ),
    "block.fewer_runs": (
        "This block is large: timed over {runs} runs instead of {repeats}, to keep the server "
        "responsive for everyone.",
        "이 블록은 큽니다: 모두를 위해 서버가 빠르게 응답하도록 {repeats}회 대신 {runs}회 실행으로 "
        "시간을 쟀습니다.",
    ),
    "block.too_big": (
        "This block is too large to time here: its largest tensor has {values} values (limit "
        "{limit}). Lower the channels, t or the size.",
        "이 블록은 여기서 시간을 재기에 너무 큽니다: 가장 큰 tensor가 {values}개 값입니다(한도 "
        "{limit}). 채널 수, t, 크기를 줄이세요.",
    ),
    "block.measuring": ("Measuring the three layers on this CPU…", "세 층을 이 CPU에서 측정하는 중…"),
    # Tables
    "block.tables": ("2. The network: Tables 2 and 3", "2. 네트워크: Table 2, 3"),
    "block.width_sel": ("width multiplier", "width multiplier"),
    "block.res_sel": ("input resolution", "입력 해상도"),
    "block.table2_caption": (
        "Computed from this app's model (width {width}, {res}×{res}): {params:,} parameters and "
        "{madds:,} MAdds.",
        "이 앱의 모델에서 계산(width multiplier {width}, {res}×{res}): 파라미터 {params:,}개, MAdds "
        "{madds:,}.",
    ),
    # After the caption: the paper's network when another width or resolution is shown; when
    # the shown one is width 1.0 at 224 the caption's numbers are the paper's, said once.
    "block.table2_reference": (
        "At width 1.0 and 224 these are exactly 3,504,872 and 300,774,272 (the paper rounds "
        "them to 3.4M and 300M).",
        "width multiplier 1.0, 224에서는 정확히 3,504,872와 300,774,272입니다(논문은 3.4M, "
        "300M으로 반올림).",
    ),
    "block.table2_rounded": (
        "This is the paper's network: the paper rounds these to 3.4M and 300M.",
        "논문의 네트워크이며, 논문은 이를 3.4M, 300M으로 반올림합니다.",
    ),
    "block.tfslim_caption": (
        "Left: the MMACs and ImageNet top-1 published with the TF-slim MobileNetV2 checkpoints "
        "(TensorFlow's model repository), quoted, not computed here; this grid is not a table "
        "of the paper (the paper's Table 4 gives width 1.0 and 1.4 at 224 only). Right: MAdds "
        "this model computes for the same settings.",
        "왼쪽: TF-slim MobileNetV2 checkpoint와 함께 공개된 MMACs와 ImageNet top-1(TensorFlow의 "
        "모델 저장소)을 인용한 것으로, 여기서 계산하지 않았고 논문의 표도 아닙니다(논문의 Table "
        "4는 224에서 width multiplier 1.0과 1.4만 제시). 오른쪽: 같은 설정에서 이 모델이 계산한 MAdds.",
    ),
    "block.table3_caption": (
        "Table 3: the largest tensor that must be kept between blocks at each resolution, with "
        "16-bit values (computed from this model at width {width}, {res}×{res}). Dotted lines: "
        "the paper's maxima for other networks (quoted).",
        "Table 3: 해상도마다 블록 사이에 반드시 남겨야 하는 가장 큰 tensor(16비트 값; 이 모델, "
        "width multiplier {width}, {res}×{res}에서 계산). 점선: 다른 네트워크에 대한 논문의 최댓값(인용).",
    ),
    "block.costs_missing": (
        "The cost counter (model/costs/analytic.py) is not available yet, so Tables 2 and 3 "
        "cannot be computed: {error}",
        "비용 계산기(model/costs/analytic.py)를 아직 쓸 수 없어 Table 2, 3을 계산할 수 없습니다: {error}",
    ),
    # Split
    "block.split": ("3. Memory-efficient inference (Section 5.1)", "3. 메모리 효율 추론 (5.1절)"),
    "block.split_help": (
        "A block is F(x) = A(N(B x)), and N (ReLU6, depthwise, ReLU6) works on each inner "
        "channel alone. So the t·d inner channels can be cut into k groups: "
        "F(x) = Σᵢ Aᵢ(N(Bᵢ x)). The output is the same and the MAdds do not change, but only "
        "one group's inner tensors are alive at a time. BatchNorm is folded per group "
        "(the projection's BN shift is added once).",
        "블록은 F(x) = A(N(B x))이고 N(ReLU6, depthwise, ReLU6)은 내부 채널마다 따로 "
        "작동합니다. 그래서 t·d개의 내부 채널을 k개 그룹으로 나눌 수 있습니다: "
        "F(x) = Σᵢ Aᵢ(N(Bᵢ x)). 출력과 MAdds는 같지만 한 번에 한 그룹의 내부 tensor만 "
        "메모리에 있습니다. BatchNorm은 그룹별로 접어 넣습니다(projection BN의 이동 값은 한 번만).",
    ),
    "block.split_block": ("block", "블록"),
    "block.split_res": ("network input resolution", "네트워크 입력 해상도"),
    "block.split_caption": (
        "Block {block} of MobileNetV2 (width 1.0; input {h}×{h}×{c}, t = {t}, {inner} inner "
        "channels) with seeded random weights and random BatchNorm statistics, on a random "
        "input (seed {seed}). Bars: bytes of one group's expansion and depthwise tensors "
        "(counted). Line: peak bytes the call added, measured from torch's CPU allocator with "
        "the profiler (it also holds the output and convolution temporaries). |Δ|: max "
        "absolute difference to the unsplit block.",
        "MobileNetV2의 블록 {block} (width multiplier 1.0; 입력 {h}×{h}×{c}, t = {t}, 내부 채널 {inner}개), "
        "시드로 정한 무작위 가중치와 무작위 BatchNorm 통계, 무작위 입력(시드 {seed}). 막대: 한 "
        "그룹의 expansion, depthwise tensor 바이트(계산). 선: 이 호출이 더한 최대 바이트로, "
        "torch 프로파일러로 CPU 메모리 할당자에서 측정(출력과 convolution 임시 버퍼 포함). |Δ|: 나누지 "
        "않은 블록과의 최대 절대 차이.",
    ),
    "block.split_summary": (
        "k = 1 → {kmax}: max |difference| {diff:.1e}; inner tensors {b1} → {bk} "
        "({ratio:.1f}× less); measured peak {m1} → {mk}.",
        "k = 1 → {kmax}: 최대 |차이| {diff:.1e}; 내부 tensor {b1} → {bk} ({ratio:.1f}배 감소); "
        "측정한 최대 메모리 {m1} → {mk}.",
    ),
    "block.counting": ("Counting parameters and MAdds on the model…",
                       "모델에서 파라미터와 MAdds를 세는 중…"),
    "block.ablation_running": ("Measuring both variants on the same images…",
                               "두 모델을 같은 이미지에서 재는 중…"),
    "block.split_running": ("Evaluating the block for each k…", "k마다 블록을 계산하는 중…"),
    # Ablation
    "block.ablation": ("4. Linear vs ReLU6 bottleneck (Figure 6a)", "4. Linear 대 ReLU6 bottleneck (Figure 6a)"),
    "block.ablation_help": (
        "The paper trains MobileNetV2 on ImageNet with a linear projection and with a ReLU6 "
        "after it; the linear bottleneck wins by several percent top-1. This app ships its own "
        "pair, trained on the generated shapes-and-textures data set (`python -m model.train`), "
        "with the same seed and settings. These curves are ours, not the paper's.",
        "논문은 MobileNetV2를 ImageNet에서 linear projection과 그 뒤에 ReLU6를 둔 경우로 "
        "학습했고, linear bottleneck이 top-1에서 몇 퍼센트 앞섭니다. 이 앱은 생성한 도형·질감 "
        "데이터셋에서 같은 시드와 설정으로 학습한 두 모델을 함께 제공합니다(`python -m "
        "model.train`). 이 곡선은 논문이 아니라 이 앱이 학습한 결과입니다.",
    ),
    "block.ablation_missing": (
        "The training logs of the shipped variants are not in model/checkpoints/ yet "
        "(run `python -m model.train`).",
        "제공되는 두 모델의 학습 기록이 아직 model/checkpoints/에 없습니다(`python -m "
        "model.train` 실행).",
    ),
    "block.ablation_final": (
        "Held-out accuracy at the end, each on {size} generated images it never trained on: "
        "{rows}. One training run per variant: the intervals (95%, Wilson) say what {size} "
        "images allow, not how much another run with another seed would differ.",
        "마지막 검증 정확도(각각 학습에 쓰지 않은 생성 이미지 {size}장): {rows}. 변형마다 학습은 "
        "한 번씩이므로, 구간(95%, 윌슨 구간)은 이미지 {size}장이 허용하는 범위일 뿐 다른 시드로 다시 "
        "학습했을 때의 차이는 말해 주지 않습니다.",
    ),
    "block.ablation_profiles": (
        "Dimension profiles of the two variants on the same {n} generated images ({points}; "
        "estimator {estimator}).",
        "같은 생성 이미지 {n}장에서 두 모델의 차원 프로파일({points}; 추정기 {estimator}).",
    ),
    "block.ablation_estimator": ("estimator", "추정기"),
    "block.ablation_profiles_error": (
        "The dimension profiles cannot be computed: {error}",
        "차원 프로파일을 계산할 수 없습니다: {error}",
    ),
    "block.compute_error": (
        "This measurement cannot be made: {error}",
        "이 측정을 할 수 없습니다: {error}",
    ),
    "block.variant.linear": ("linear bottleneck (paper)", "linear bottleneck (논문)"),
    "block.variant.relu6": ("ReLU6 bottleneck", "ReLU6 bottleneck"),
    # Figures
    "block.fig.madds": ("MAdds", "MAdds"),
    "block.fig.params": ("parameters", "파라미터"),
    "block.fig.time_ms": ("measured CPU time (ms)", "측정한 CPU 시간 (ms)"),
    "block.fig.options_title": ("Standard vs depthwise separable vs bottleneck block",
                                "표준 대 depthwise separable 대 bottleneck 블록"),
    "block.fig.table1_title": ("Table 1: the bottleneck block (t = {t})",
                               "Table 1: bottleneck 블록 (t = {t})"),
    "block.t1.input": ("input (bottleneck)", "입력 (bottleneck)"),
    "block.t1.expanded": ("expansion", "expansion"),
    "block.t1.depthwise": ("depthwise", "depthwise"),
    "block.t1.output": ("output (bottleneck)", "출력 (bottleneck)"),
    "block.t1.op_expand": ("1×1 conv, ReLU6", "1×1 conv, ReLU6"),
    # Two lines: one line ran into the slabs at 14 px on a 1280 px screen.
    "block.t1.op_depthwise": ("{k}×{k} dwise s={s}<br>ReLU6", "{k}×{k} dwise s={s}<br>ReLU6"),
    "block.t1.op_project": ("linear 1×1 conv", "linear 1×1 conv"),
    "block.t1.residual": ("residual (s = 1, d_i = d_j)", "residual (s = 1, d_i = d_j)"),
    "block.fig.table2_title": (
        # Two lines: one ran past a 1280 px column in Korean.
        "Table 2 computed: width {width}, {res}×{res}<br>{params} params, {madds} MAdds",
        "계산한 Table 2: width multiplier {width}, {res}×{res}<br>파라미터 {params}, MAdds {madds}",
    ),
    # Two lines: one ran past the 1280 px column ("…(not the paper's" was cut).
    "block.fig.tfslim_title": ("MobileNetV2 across widths and resolutions:<br>TF-slim's "
                               "checkpoint table (not the paper's) next to this model",
                               "width multiplier와 해상도에 따른 MobileNetV2:<br>TF-slim "
                               "checkpoint 표(논문 아님)와 이 모델"),
    "block.fig.tfslim_paper": ("TF-slim checkpoints (quoted): MMACs / top-1",
                               "TF-slim checkpoint (인용): MMACs / top-1"),
    "block.fig.tfslim_computed": ("computed here: MAdds", "여기서 계산: MAdds"),
    "block.fig.resolution": ("resolution", "해상도"),
    "block.fig.width": ("width multiplier", "width multiplier"),
    "block.fig.table3_title": ("Table 3: largest tensor between blocks (16-bit)",
                               "Table 3: 블록 사이 가장 큰 tensor (16비트)"),
    "block.fig.table3_ours": ("MobileNetV2 (computed)", "MobileNetV2 (계산)"),
    "block.fig.table3_paper_line": ("{name}: {kb}K (paper)", "{name}: {kb}K (논문)"),
    "block.fig.mb": ("MB (1 MB = 1,000,000 bytes)", "MB (1 MB = 1,000,000바이트)"),
    "block.block_n": ("block {block}", "블록 {block}"),
    "block.layer.stem": ("stem", "첫 conv"),
    "block.layer.conv 1x1": ("conv 1x1", "conv 1x1"),
    "block.layer.classifier": ("classifier", "분류기"),
    "block.table2.input": ("input", "입력"),
    "block.table2.operator": ("operator", "연산"),
    "block.fig.kbytes": ("thousands of bytes", "천 바이트"),
    "block.fig.split_title": ("Split into k groups: {block}", "k개 그룹으로 나누기: {block}"),
    "block.fig.split_accounted": ("inner tensors of one group (counted)",
                                  "한 그룹의 내부 tensor (계산)"),
    "block.fig.split_measured": ("peak added during the call (measured)",
                                 "호출 중 늘어난 최대 메모리 (측정)"),
    "block.fig.split_k": ("k (groups)", "k (그룹 수)"),
    "block.fig.loss": ("training loss", "학습 손실"),
    "block.fig.heldout": ("held-out accuracy", "검증 정확도"),
    "block.fig.step": ("step", "학습 스텝"),
    "block.fig.ablation_profiles_title": (
        "Figure 6a: dimension profiles of the two variants ({est})",
        "Figure 6a: 두 모델의 차원 프로파일 ({est})",
    ),
    "block.fig.ablation_title": ("Figure 6a on generated data: linear vs ReLU6 bottleneck",
                                 "생성 데이터에서 Figure 6a: linear 대 ReLU6 bottleneck"),
}
