"""Why an image, a checkpoint or a data set was refused: {key: (english, korean)}.

Raised as ``i18n.messages.Refusal`` in ``model/`` and ``services/``; the English is what a
command line prints, the page shows its language. ``{name}`` is the user's own file name.
"""
TEXT: dict[str, tuple[str, str]] = {
    # -- images (model/images.py, model/evidence/image_sets.py) -----------------------------
    # ImageError puts the file's name in front: "{name}: {reason}".
    "refusal.named": ("{name}: {reason}", "{name}: {reason}"),
    "refusal.image.no_such_file": ("no such file", "그런 파일이 없습니다"),
    "refusal.image.is_folder": (
        "this is a folder, not an image file (a data-set measurement, `python -m "
        "model.evidence`, takes folders)",
        "이미지 파일이 아니라 폴더입니다 (폴더는 데이터 세트 측정 `python -m model.evidence`가 "
        "받습니다)",
    ),
    "refusal.image.too_large_file": (
        "file is {mb:.1f} MB, more than the {limit_mb:.0f} MB limit",
        "파일이 {mb:.1f} MB로 한도 {limit_mb:.0f} MB보다 큽니다",
    ),
    "refusal.image.too_large": (
        "file is larger than the {limit_mb:.0f} MB limit",
        "파일이 한도 {limit_mb:.0f} MB보다 큽니다",
    ),
    "refusal.image.text_mode": (
        "the file object must be opened in binary mode",
        "파일 객체는 바이너리 모드로 열어야 합니다",
    ),
    "refusal.image.not_a_file": (
        "expected a path, bytes or a binary file, got {kind}",
        "경로, 바이트열 또는 바이너리 파일이어야 합니다 (받은 것: {kind})",
    ),
    "refusal.image.empty": ("the file is empty", "빈 파일입니다"),
    "refusal.image.no_pixels": (
        "the image has no pixels ({width} x {height})",
        "픽셀이 없는 이미지입니다 ({width} x {height})",
    ),
    "refusal.image.too_many_pixels": (
        "{width} x {height} = {pixels:,} pixels is more than the {limit:,}-pixel limit",
        "{width} x {height} = {pixels:,} 픽셀로 한도 {limit:,} 픽셀보다 많습니다",
    ),
    "refusal.image.bomb": (
        "the image declares more than the {limit:,}-pixel limit (a possible "
        "decompression bomb)",
        "이미지가 한도 {limit:,} 픽셀보다 많은 픽셀을 선언합니다 (압축 폭탄일 수 있습니다)",
    ),
    "refusal.image.format": (
        "not an image format this app reads: not a PNG, JPEG, GIF, WebP, BMP or TIFF "
        "image",
        "이 앱이 읽는 이미지 형식(PNG, JPEG, GIF, WebP, BMP, TIFF)이 아닙니다",
    ),
    "refusal.image.truncated": (
        "the image is truncated or corrupt ({detail})",
        "이미지가 잘렸거나 손상되었습니다 ({detail})",
    ),
    "refusal.image.unreadable": (
        "the image is unreadable ({detail})",
        "이미지를 읽을 수 없습니다 ({detail})",
    ),
    "refusal.image.non_finite": (
        "{count:,} of the image's {total:,} pixels are NaN or infinite, so it has no "
        "picture to show; save it with finite values",
        "이미지의 픽셀 {total:,}개 중 {count:,}개가 `NaN` 또는 무한대여서 보여 줄 그림이 "
        "없습니다. 유한한 값으로 저장해 주세요",
    ),
    "refusal.image.not_uint8": (
        "expected a `uint8` (h, w, 3) array, got {dtype} {shape}",
        "`uint8` (h, w, 3) 배열이어야 합니다 (받은 것: {dtype} {shape})",
    ),
    "refusal.image.none_given": ("no images given", "이미지가 주어지지 않았습니다"),
    # The reasons beside a left-out item of a data set (the item's name is listed with them).
    "refusal.set.too_many": (
        "more than {limit} images in the set", "세트의 이미지가 {limit}장을 넘습니다"),
    "refusal.set.bad_zip": (
        "not a readable .zip archive ({detail})", "읽을 수 있는 .zip 압축 파일이 아닙니다 ({detail})"),
    "refusal.set.too_many_members": (
        "more than {limit} members in one archive", "압축 파일 하나에 항목이 {limit}개를 넘습니다"),
    "refusal.set.member_too_large": (
        "declares {mb:.1f} MB, more than the {limit_mb:.0f} MB limit",
        "{mb:.1f} MB라고 선언되어 한도 {limit_mb:.0f} MB보다 큽니다",
    ),
    "refusal.set.archive_total": (
        "the archive's members add up to more than {limit_mb:.0f} MB",
        "압축 파일의 항목을 모두 합하면 {limit_mb:.0f} MB를 넘습니다",
    ),
    "refusal.set.member_unreadable": (
        "cannot be read from the archive ({detail})", "압축 파일에서 읽을 수 없습니다 ({detail})"),
    "refusal.set.member_over_limit": (
        "more than the {limit_mb:.0f} MB limit", "한도 {limit_mb:.0f} MB보다 큽니다"),
    "refusal.set.empty_folder": (
        "the folder holds no image files ({suffixes})",
        "폴더에 이미지 파일이 없습니다 ({suffixes})",
    ),
    "refusal.set.no_such_path": ("no such file or folder", "그런 파일이나 폴더가 없습니다"),
    "refusal.set.archive_too_large": (
        "archive larger than {limit_mb:.0f} MB", "압축 파일이 {limit_mb:.0f} MB보다 큽니다"),
    "refusal.set.other": ("{detail}", "{detail}"),
    "refusal.set.over_resolution_limit": (
        "more than {limit} images at {res} px", "{res} px에서는 {limit}장까지만 씁니다"),
    "refusal.set.no_uploads": ("no images uploaded", "올린 이미지가 없습니다"),
    # -- checkpoints (model/weights.py, model/registry.py, services/weights.py) -----------------
    "refusal.weights.shipped_missing": (
        "the {name} weights are missing at {path}: run `python -m model.train` to make them",
        "{name} 가중치가 {path}에 없습니다. `python -m model.train`을 실행해 만들어 주세요",
    ),
    "refusal.weights.unknown_source": (
        "unknown weights source {source}: use one of {sources}",
        "알 수 없는 가중치 소스 {source}: 다음 중 하나를 쓰세요: {sources}",
    ),
    "refusal.weights.seed": ("seed must be an integer, got {seed}",
                             "시드는 정수여야 합니다 (받은 값: {seed})"),
    "refusal.weights.not_found": ("weights file not found: {path}",
                                  "가중치 파일이 없습니다: {path}"),
    "refusal.weights.runs_code": (
        "refused to load {name}: besides tensors the file asks to run code{what}, which could "
        "do anything to this computer, so it was not loaded. Only a plain state dict of tensors "
        "is read: save one with `torch.save(model.state_dict(), path)`",
        "{name} 파일을 불러오지 않았습니다: 이 파일은 tensor 말고도 코드 실행{what}을 요구하는데, "
        "그 코드는 이 컴퓨터에 무엇이든 할 수 있습니다. tensor만 담은 `state_dict`만 읽습니다: "
        "`torch.save(model.state_dict(), path)`로 저장해 주세요",
    ),
    "refusal.weights.runs_code_what": (" ({what})", " ({what})"),
    "refusal.weights.not_loadable": (
        "could not read {name} as a PyTorch checkpoint that loads without running code "
        "({detail}), so it was not loaded",
        "{name} 파일을 코드 실행 없이 불러올 수 있는 PyTorch checkpoint로 읽지 못해 불러오지 "
        "않았습니다 ({detail})",
    ),
    "refusal.weights.not_checkpoint": (
        "{name} is not a checkpoint written by `torch.save` (a plain pickle, or another kind "
        "of file), so it was not loaded. Save one with `torch.save(model.state_dict(), path)`",
        "{name} 파일은 `torch.save`로 저장한 checkpoint가 아니어서(일반 `pickle`이거나 다른 종류의 "
        "파일) 불러오지 않았습니다. `torch.save(model.state_dict(), path)`로 저장해 주세요",
    ),
    "refusal.weights.unreadable": (
        "could not read {name} as a PyTorch checkpoint: {detail}",
        "{name} 파일을 PyTorch checkpoint로 읽을 수 없습니다: {detail}",
    ),
    "refusal.weights.not_state_dict": (
        "{name} does not hold a state dict (a dict of tensors); got {kind}",
        "{name}에 `state_dict`(tensor의 사전)가 없습니다. 들어 있는 것: {kind}",
    ),
    "refusal.weights.entry_not_tensor": (
        "{name} is not a state dict: entry {entry} is not a named tensor",
        "{name} 파일은 `state_dict`가 아닙니다: 항목 {entry}: 이름 붙은 tensor가 아닙니다",
    ),
    "refusal.weights.download_failed": (
        "the {source} weights are not on this machine and could not be downloaded:",
        "{source} 가중치가 이 컴퓨터에 없고 내려받지도 못했습니다:",
    ),
    "refusal.weights.wrong_model": (
        "the {source} weights need `mobilenet_v2(width_mult={width}, num_classes={classes}, "
        "bottleneck={bottleneck})`; this model has `width_mult={have_width}`, "
        "`bottleneck={have_bottleneck}`",
        "{source} 가중치에는 `mobilenet_v2(width_mult={width}, num_classes={classes}, "
        "bottleneck={bottleneck})`가 필요한데, 이 모델은 `width_mult={have_width}`, "
        "`bottleneck={have_bottleneck}`입니다",
    ),
    "refusal.weights.does_not_fit": (
        "the weights in {name} do not fit this model: {problem}",
        "{name}의 가중치가 이 모델에 맞지 않습니다: {problem}",
    ),
    "refusal.weights.non_finite": (
        "refused the weights in {name}: {tensor} holds {what} ({bad:,} of {total:,} values are "
        "not finite). A network with NaN or infinite weights computes NaN or meaningless "
        "outputs; use a checkpoint whose values are all finite",
        "{name}의 가중치를 쓰지 않았습니다: {tensor}에 {what} 값이 있습니다 (값 {total:,}개 중 "
        "{bad:,}개가 유한하지 않음). `NaN`이나 무한대 가중치를 가진 네트워크는 `NaN`이나 의미 없는 "
        "출력을 냅니다. 모든 값이 유한한 checkpoint를 쓰세요",
    ),
    "refusal.weights.unknown_width": (
        "{name}: this file is not a torchvision MobileNetV2 state dict of a known width: "
        "{problem}",
        "{name}: 알려진 width multiplier의 torchvision MobileNetV2 `state_dict`가 아닙니다: {problem}",
    ),
    "refusal.weights.no_upload": ("no checkpoint uploaded", "올린 checkpoint가 없습니다"),
    "refusal.weights.empty": ("{name}: the file is empty", "{name}: 빈 파일입니다"),
    # The parts of a mismatch (model/weights.py describe_mismatch, guess_width).
    "refusal.fit.missing": ("{count} missing keys (first: {keys})",
                            "없는 키 {count}개 (처음 것: {keys})"),
    "refusal.fit.unexpected": ("{count} unexpected keys (first: {keys})",
                               "예상하지 않은 키 {count}개 (처음 것: {keys})"),
    "refusal.fit.wrong_shapes": ("{count} wrong shapes ({shapes})", "모양이 다른 tensor {count}개 ({shapes})"),
    "refusal.fit.shape": ("{key}: file {file} vs model {model}", "{key}: 파일 {file}, 모델 {model}"),
    "refusal.fit.extra_only": (
        "Every layer of this model is in the file with its shape; the file also holds entries "
        "MobileNetV2 has no place for: delete them from the state dict and save it again",
        "이 모델의 모든 층이 같은 모양으로 파일에 있지만, 파일에는 MobileNetV2에 자리가 없는 항목도 "
        "있습니다: 그 항목을 `state_dict`에서 지우고 다시 저장해 주세요",
    ),
    "refusal.fit.no_stem": (
        "The file has no MobileNetV2 stem convolution ({key}); it may be another architecture",
        "파일에 MobileNetV2의 첫 convolution({key})이 없습니다. 다른 구조의 네트워크일 수 있습니다",
    ),
    "refusal.fit.stem_fits_none": (
        "Its stem conv has {channels} output channels, which fits none of the usual width "
        "multipliers {widths}",
        "첫 conv의 출력 채널이 {channels}개로, 흔히 쓰는 width multiplier {widths} 어느 것에도 "
        "맞지 않습니다",
    ),
    "refusal.fit.fits_width": (
        "Its stem conv has {channels} output channels, as with width_mult {widths}; every layer "
        "fits `width_mult={width}`{classes_note}: build `mobilenet_v2(width_mult={width}, "
        "num_classes={classes})`",
        "첫 conv의 출력 채널이 {channels}개로 width multiplier {widths}와 같고, 모든 층이 "
        "`width_mult={width}`{classes_note}에 맞습니다: `mobilenet_v2(width_mult={width}, "
        "num_classes={classes})`로 만드세요",
    ),
    "refusal.fit.classes_note": (" with {classes} classes", ", 클래스 {classes}개"),
    "refusal.fit.stem_only": (
        "Its stem conv has {channels} output channels, as with width_mult {width}, but "
        "{problem}",
        "첫 conv의 출력 채널이 {channels}개로 width multiplier {width}와 같지만, {problem}",
    ),
    "refusal.fit.and": ("{first}; {rest}", "{first}; {rest}"),
    # -- downloads of published checkpoints (model/download.py) ---------------------------------
    "refusal.download.unreachable": (
        "could not reach {host} ({why}): this machine may be offline or behind a firewall. The "
        "networks shipped with the app still work; `{env}` can name a mirror",
        "{host}에 연결할 수 없습니다 ({why}): 이 컴퓨터가 오프라인이거나 방화벽 뒤에 있을 수 "
        "있습니다. 앱에 들어 있는 네트워크는 그대로 쓸 수 있고, `{env}`로 미러를 지정할 수 "
        "있습니다",
    ),
    "refusal.download.why.dns": ("its name could not be looked up", "주소를 찾지 못함"),
    "refusal.download.why.refused": ("the connection was refused", "연결이 거부됨"),
    "refusal.download.why.tls": (
        "the secure connection failed, perhaps a proxy in between",
        "보안 연결 실패, 중간에 프록시가 있을 수 있음",
    ),
    "refusal.download.why.other": ("no connection", "연결 안 됨"),
    "refusal.download.stalled": (
        "{host} sent nothing for {seconds:g} s, so the download was stopped and nothing was kept",
        "{host}에서 {seconds:g}초 동안 아무것도 오지 않아 다운로드를 멈췄고 아무것도 남기지 "
        "않았습니다",
    ),
    "refusal.download.http": (
        "{url} answered with HTTP error {status}; nothing was kept",
        "{url}에서 `HTTP` 오류 {status} 응답이 왔습니다. 아무것도 남기지 않았습니다",
    ),
    "refusal.download.web_page": (
        "{host} sent a web page ({kind}) instead of {file}, perhaps a network's sign-in page; "
        "nothing was kept",
        "{host}에서 {file} 대신 웹 페이지({kind})가 왔습니다. 네트워크 로그인 페이지일 수 "
        "있습니다. 아무것도 남기지 않았습니다",
    ),
    "refusal.download.redirect": (
        "{host} sent the download to another host ({target}), which is not trusted; nothing "
        "was fetched from there",
        "{host}에서 다운로드를 믿을 수 없는 다른 호스트({target})로 넘겼습니다. 그곳에서는 "
        "아무것도 받지 않았습니다",
    ),
    "refusal.download.too_large": (
        "{file} is larger than it can be ({size:.1f} MB, at most {limit:.1f} MB), so it was "
        "refused",
        "{file} 파일이 가능한 크기보다 커서({size:.1f} MB, 최대 {limit:.1f} MB) 받지 않았습니다",
    ),
    "refusal.download.truncated": (
        "the connection closed after {done:,} of {total:,} bytes of {file}; nothing was kept, "
        "try again",
        "{file} 파일의 {total:,}바이트 중 {done:,}바이트를 받은 뒤 연결이 끊겼습니다. 아무것도 "
        "남기지 않았으니 다시 시도해 주세요",
    ),
    "refusal.download.checksum": (
        "{file} does not match its published checksum (SHA-256 starts {got}, not {want}), so "
        "it was deleted",
        "{file} 파일이 공개된 체크섬과 맞지 않아(`SHA-256` 앞자리 {got}, 기대값 {want}) "
        "지웠습니다",
    ),
    "refusal.download.mirror": (
        "`{env}` must be an http:// or https:// address, not {value}",
        "`{env}`에는 `http://`나 `https://` 주소를 써야 합니다. 지금 값: {value}",
    ),
    "refusal.download.disk": (
        "could not write {file} into {folder} ({why})",
        "{file} 파일을 {folder}에 쓸 수 없습니다 ({why})",
    ),
    "refusal.download.interrupted": (
        "the download of {file} was interrupted; nothing was kept",
        "{file} 다운로드가 중단되었습니다. 아무것도 남기지 않았습니다",
    ),
    # -- the Dask cluster (services/cluster.py) -----------------------------------------------
    "refusal.worker.died": (
        "the computation was lost with its worker process ({code}); try again",
        "계산을 맡은 워커 프로세스가 멈춰 계산을 잃었습니다 ({code}). 다시 시도해 주세요",
    ),
    "refusal.cluster.no_workers": (
        "No Dask worker has been connected to the scheduler at {address} for {seconds} s. "
        "Start one with `dask worker {address}`, then try again",
        "{address}의 Dask 스케줄러에 {seconds}초 동안 연결된 워커가 없습니다. "
        "`dask worker {address}`로 워커를 시작한 뒤 다시 시도해 주세요",
    ),
    "refusal.cluster.no_project": (
        "The Dask scheduler at {address} cannot read this app's tasks: this project is not on "
        "its path. Start it from the project's folder with `PYTHONPATH=. dask scheduler` "
        "(README, \"More than one machine\")",
        "{address}의 Dask 스케줄러가 이 앱의 작업을 읽지 못합니다. 스케줄러의 경로에 이 "
        "프로젝트가 없습니다. 프로젝트 폴더에서 `PYTHONPATH=. dask scheduler`로 시작하세요 "
        "(`README.md`의 “More than one machine” 절)",
    ),
    "refusal.cluster.unreachable": (
        "The Dask scheduler at {address} cannot be reached ({reason}). Start it with "
        "`dask scheduler`, or leave out `--scheduler` and `MANIFOLD_LAB_SCHEDULER` to use the "
        "embedded cluster",
        "{address}의 Dask 스케줄러에 연결할 수 없습니다 ({reason}). `dask scheduler`로 "
        "시작하거나, 내장 클러스터를 쓰려면 `--scheduler`와 `MANIFOLD_LAB_SCHEDULER`를 "
        "빼세요",
    ),
}
