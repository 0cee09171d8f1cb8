"""Strings of the live class (issue 23): the teacher's controls in presenter mode, the
students' following view, the prediction questions of the lecture, and every refusal a join
link or an answer can get. {key: (english, korean)}."""
TEXT: dict[str, tuple[str, str]] = {
    # The teacher (app/class_teacher.py).
    "class.start": ("Start a class", "수업 시작"),
    "class.start_help": (
        "Students open the link or scan the code and follow your slides on their own screens; "
        "each slide has a prediction question you can open.",
        "학생들이 링크를 열거나 코드를 스캔하면 자기 화면에서 슬라이드를 따라옵니다. 슬라이드마다 "
        "열 수 있는 예측 질문이 있습니다.",
    ),
    "class.code_is": ("Class code **{code}**", "수업 코드 **{code}**"),
    "class.students": ("{n} following", "{n}명 참여 중"),
    "class.show_join": ("Show the join code", "참여 코드 보기"),
    "class.hide_join": ("Back to the slide", "슬라이드로 돌아가기"),
    "class.join_title": ("Join the class", "수업에 참여하세요"),
    "class.join_how": (
        "Scan the QR code or open the link; or type the code on the app's home page.",
        "QR 코드를 스캔하거나 링크를 여세요. 앱 첫 화면에 코드를 입력해도 됩니다.",
    ),
    "class.end": ("End the class", "수업 끝내기"),
    "class.ended_teacher": (
        "The class has ended; its answers are gone.",
        "수업을 끝냈습니다. 답은 모두 지워졌습니다.",
    ),
    "class.lost": (
        "This class is no longer open (it was ended, or the server restarted).",
        "이 수업은 더 이상 열려 있지 않습니다 (끝났거나 서버가 다시 시작되었습니다).",
    ),
    "class.poll.open": ("Ask the class", "학생들에게 묻기"),
    "class.poll.close": ("Close and show", "마감하고 보여 주기"),
    "class.poll.reopen": ("Open again", "다시 열기"),
    "class.poll.answers": ("{n} answers", "답 {n}개"),
    "class.poll.measured": ("measured: {value}", "측정값: {value}"),
    "class.poll.figure_after": (
        "The figure appears when the question closes: predict first.",
        "질문이 마감되면 그림이 나타납니다. 먼저 예측하세요.",
    ),
    "class.poll.not_measured": (
        "This slide's figure is not there, so there is no measured value to show.",
        "이 슬라이드의 그림이 없어서 보여 줄 측정값이 없습니다.",
    ),
    # The students (app/class_student.py).
    "class.following": ("Following class **{code}**", "**{code}** 수업을 따라가는 중"),
    "class.explore": ("Explore from here", "여기서 직접 살펴보기"),
    "class.back": ("Back to the class", "수업으로 돌아가기"),
    "class.exploring": (
        "You are exploring on your own; class **{code}** goes on without you.",
        "혼자 살펴보는 중입니다. **{code}** 수업은 계속 진행됩니다.",
    ),
    "class.leave": ("Leave the class", "수업 나가기"),
    "class.your_answer": ("Your answer", "내 답"),
    "class.send": ("Send my answer", "답 보내기"),
    "class.sent": ("Your answer is in. Wait for the others.", "답을 보냈습니다. 다른 학생들을 기다리세요."),
    "class.poll.wait": ("The question is closed.", "질문이 마감되었습니다."),
    "class.poll.closed_result": (
        "The class answered: {n} answers.",
        "학생들의 답: {n}개.",
    ),
    # Joining (the home page, a join link).
    "class.join": ("Join a class", "수업 참여"),
    "class.join_code": ("Class code", "수업 코드"),
    "class.join_button": ("Join", "참여"),
    "class.join_placeholder": ("e.g. 27K93M", "예: 27K93M"),
    "class.error.format": (
        "{code} is not a class code: a class code is 6 letters and digits, as the teacher "
        "shows it.",
        "{code}는 수업 코드가 아닙니다: 수업 코드는 선생님이 보여 주는 글자와 숫자 6개입니다.",
    ),
    "class.error.unknown": (
        "There is no open class with the code {code}. Check it with the teacher; a class that "
        "ended is gone.",
        "{code} 코드로 열린 수업이 없습니다. 선생님께 코드를 확인하세요. 끝난 수업은 사라집니다.",
    ),
    "class.error.too_many_guesses": (
        "Too many wrong class codes were tried on this server just now. Wait a few seconds "
        "and try again.",
        "방금 이 서버에서 틀린 수업 코드가 너무 많이 입력되었습니다. 몇 초 기다린 뒤 다시 하세요.",
    ),
    "class.error.slow_down": (
        "You tried several wrong codes. Wait {s} seconds before the next one.",
        "틀린 코드를 여러 번 입력했습니다. {s}초 기다린 뒤 다시 하세요.",
    ),
    "class.error.full": (
        "Class {code} is full (500 students).",
        "{code} 수업은 가득 찼습니다 (학생 500명).",
    ),
    "class.error.server_full": (
        "This server already runs as many classes as it can; end one first.",
        "이 서버는 이미 열 수 있는 만큼 수업을 열었습니다. 먼저 하나를 끝내세요.",
    ),
    "class.error.not_teacher": (
        "Only the teacher of class {code} can do that.",
        "{code} 수업의 선생님만 할 수 있습니다.",
    ),
    "class.error.closed": (
        "The question is not open (any more); your answer was not counted.",
        "질문이 열려 있지 않아 답이 집계되지 않았습니다.",
    ),
    "class.error.answered": (
        "You have already answered this question; the first answer counts.",
        "이미 이 질문에 답했습니다. 첫 답이 집계됩니다.",
    ),
    "class.error.bad_answer": (
        "That is not one of this question's answers.",
        "이 질문의 답으로 쓸 수 없는 값입니다.",
    ),
    "class.error.bad_request": (
        "The class could not take that request.",
        "수업이 그 요청을 받을 수 없습니다.",
    ),
    "refusal.class.unavailable": (
        "Live classes are not available: the Dask scheduler holds none (start it with "
        "`--preload services.live_class` and this project on its `PYTHONPATH`)",
        "실시간 수업을 쓸 수 없습니다: Dask 스케줄러에 수업 기능이 없습니다 "
        "(`--preload services.live_class`와 이 프로젝트를 `PYTHONPATH`에 두고 시작하세요)",
    ),
    # The lecture's prediction questions (figures/lecture_questions.py).
    "lecture.figure1.q": (
        "Predict: at n = 5, what share of the spiral's points collapse (fewer than 2 of the "
        "5 ReLU units active)? In %.",
        "예측: n = 5일 때 나선의 점 중 몇 %가 무너질까요 (ReLU 유닛 5개 중 활성이 2개 미만)?",
    ),
    "lecture.collapse.q": (
        "Predict: from which n on does at most 1% of the spiral collapse (mean over seeds)?",
        "예측: n이 얼마부터 나선의 무너지는 점이 1% 이하가 될까요 (시드 평균)?",
    ),
    "lecture.collapse.q.0": ("n = 4", "n = 4"),
    "lecture.collapse.q.1": ("n = 6", "n = 6"),
    "lecture.collapse.q.2": ("n = 10", "n = 10"),
    "lecture.collapse.q.3": ("n = 30", "n = 30"),
    "lecture.block.q": (
        "Predict: how many million multiply-adds does this block take (56 × 56, 24 → 144 → 24 "
        "channels, 3 × 3 depthwise)?",
        "예측: 이 블록(56 × 56, 채널 24 → 144 → 24, 3 × 3 depthwise)은 곱셈-덧셈을 몇 백만 번 "
        "할까요?",
    ),
    "lecture.profile.q": (
        "Predict: in how many of the 17 blocks is the trained network's dimension per pixel "
        "lower than random weights'?",
        "예측: 17개 블록 중 몇 개에서 학습된 네트워크의 픽셀당 차원이 무작위 가중치보다 낮을까요?",
    ),
    "lecture.figure7.q": (
        "Predict: what share of the expansion channels stays positive after ReLU6, per pixel "
        "(median over blocks)? In %.",
        "예측: 픽셀마다 ReLU6 뒤에 양수로 남는 expansion 채널은 몇 %일까요 (블록 중앙값)?",
    ),
    "lecture.recovery.q": (
        "Predict: where does ReLU6 lose less of the input?",
        "예측: ReLU6를 어디에 두어야 입력을 덜 잃을까요?",
    ),
    "lecture.recovery.q.0": ("after the expansion (wide)", "expansion 뒤 (넓은 층)"),
    "lecture.recovery.q.1": ("in the thin bottleneck", "얇은 bottleneck 안"),
    "lecture.recovery.q.2": ("about the same", "거의 같다"),
    "lecture.ablation.q": (
        "Predict: which bottleneck ends training with the higher held-out accuracy?",
        "예측: 어느 bottleneck이 학습 끝에 더 높은 검증 정확도를 낼까요?",
    ),
    "lecture.ablation.q.0": ("linear", "linear"),
    "lecture.ablation.q.1": ("ReLU6", "ReLU6"),
    "lecture.ablation.q.2": ("about the same", "거의 같다"),
}
