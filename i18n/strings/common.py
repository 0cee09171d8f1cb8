"""Strings shared by every page: {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
    "app.title": ("Manifold Lab", "Manifold Lab"),
    "app.tagline": (
        "See the MobileNetV2 paper happen: inverted residuals, linear bottlenecks and the "
        "manifolds they protect (Sandler et al., CVPR 2018).",
        "MobileNetV2 논문을 직접 눈으로 확인합니다: inverted residual, linear bottleneck, 그리고 "
        "그것이 지키는 manifold (Sandler 외, CVPR 2018).",
    ),
    "sidebar.settings": ("Settings", "설정"),
    "sidebar.language": ("Language", "언어"),
    "sidebar.seed": ("Random seed", "난수 시드"),
    "sidebar.seed_help": (
        "Every random choice (inputs, random matrices, sampled images) follows this seed, so a "
        "view can be reproduced.",
        "입력, 무작위 행렬, 샘플 이미지 등 모든 무작위 선택이 이 시드를 따르므로 같은 화면을 다시 "
        "만들 수 있습니다.",
    ),
    "nav.home": ("Home", "홈"),
    "home.pages": ("What each page shows", "각 페이지 소개"),
    "home.paper": (
        "Paper: M. Sandler, A. Howard, M. Zhu, A. Zhmoginov, L.-C. Chen, “MobileNetV2: Inverted "
        "Residuals and Linear Bottlenecks”, CVPR 2018, arXiv:1801.04381.",
        "논문: M. Sandler, A. Howard, M. Zhu, A. Zhmoginov, L.-C. Chen, “MobileNetV2: Inverted "
        "Residuals and Linear Bottlenecks”, CVPR 2018, arXiv:1801.04381.",
    ),
    "url.clamped": (
        "The link asked for {name} = {raw}; allowed is {lo} to {hi}, so {value} is used.",
        "링크의 {name} = {raw} 값이 허용 범위({lo}~{hi})를 벗어나 이 값으로 바꿨습니다: {value}.",
    ),
    "url.ignored": (
        "The link's value {name} = {raw} is not valid ({allowed}); the default {value} is used.",
        "링크의 {name} = {raw} 값이 올바르지 않아({allowed}) 기본값을 씁니다: {value}.",
    ),
    "url.repeated": (
        "The link gives {name} {count} times ({raws}); only the last one is read, and {value} "
        "is used.",
        "링크에 {name} 항목이 {count}번 들어 있어({raws}) 마지막 것만 읽고 이 값을 씁니다: {value}.",
    ),
    "url.unknown": (
        "The link's key {name} is not a setting of this page, so it was ignored and taken "
        "out of the link.",
        "링크의 {name} 항목은 이 페이지의 설정이 아니어서 무시하고 링크에서 뺐습니다.",
    ),
    "url.unknown_more": (
        "{count} more of the link's keys are not settings of this page; they were ignored and "
        "taken out too.",
        "링크의 다른 항목 {count}개도 이 페이지의 설정이 아니어서 무시하고 뺐습니다.",
    ),
    "notice.shortened": ("… ({chars} characters)", "… ({chars}자)"),
    "url.allowed.integer": ("an integer {lo}..{hi}", "{lo}~{hi} 사이의 정수"),
    "url.allowed.number": ("a number {lo}..{hi}", "{lo}~{hi} 사이의 수"),
    "export.download": ("Download", "다운로드"),
    "export.no_chromium": (
        "PNG, SVG and PDF export need Chromium: install it with `sudo apt-get install chromium "
        "fonts-nanum`. HTML and CSV work without it.",
        "PNG, SVG, PDF 내보내기에는 Chromium이 필요합니다: `sudo apt-get install chromium "
        "fonts-nanum` 으로 설치하세요. HTML과 CSV는 없이도 됩니다.",
    ),
}
