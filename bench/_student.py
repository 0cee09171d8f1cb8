"""One simulated browser tab for bench/load.py: Streamlit's websocket protocol, on 127.0.0.1.

A rerun is a BackMsg with the page name and the widget states, as the browser sends it; its
latency is from sending it to the server's script_finished. Like the browser, the client
keeps a message cache (hashes of large elements already received, so the server answers with
a reference), sends every widget value it has set on each rerun, and uploads a file over
HTTP (an upload URL from the server, a multipart PUT with the XSRF cookie and header) before
naming it in the uploader's state.

Behind a proxy (``bench/load.py --cluster``) it also keeps the cookies the server sets (the
proxy's affinity cookie first, from loading the page), sends them with the websocket, the
uploads and the downloads, and after a lost connection connects again as the browser does
(``reconnect``): the same cookies, then the page run again from its link.
"""
from __future__ import annotations

import asyncio
import time
import urllib.error
import urllib.request
import uuid

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg, BackendOperationRequest
from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState

HOST = "127.0.0.1"           # never anything else
XSRF_COOKIE = "_streamlit_xsrf"
AFFINITY_COOKIE = "MANIFOLD_LAB_REPLICA"      # app.cluster's HAProxy


class TransferFailed(OSError):
    """An upload or a download the server answered with an error (another replica's?)."""


class Student:
    """One browser tab: a websocket session that reruns pages and changes widgets."""

    def __init__(self, port: int, lang: str):
        self.port = port
        self.url = f"ws://{HOST}:{port}/_stcore/stream"
        self.origin = f"http://{HOST}:{port}"
        self.lang = lang
        self.widgets: dict[str, tuple[str, object]] = {}   # user key -> (widget id, element)
        self.values: dict[str, tuple[str, object]] = {}    # user key -> (state field, value)
        # Like the browser's message cache: hashes of the large elements already received,
        # sent with each rerun so the server answers with a reference instead of the bytes.
        self.cached: set[str] = set()
        self.errors: list[str] = []
        self.session_id = ""
        self.figure_bytes = 0          # plotly figure JSON received (bench/page_weight.py)
        self.charts = 0
        # Fragments that asked to run again every N s (st.fragment(run_every=...)), as the
        # browser keeps them: {fragment id: interval}; a full run starts the set afresh.
        self.auto_reruns: dict[str, float] = {}
        self.cookies: dict[str, str] = {}
        # After a reconnection: the widgets of the page the lost session showed, so the first
        # run on the new replica gets the tab's widget values, as the browser sends them.
        self._carried: dict[str, tuple[str, object]] = {}
        self._shown: dict[str, tuple[str, object]] = {}   # the widgets of the last full run
        # The page's link as the app last wrote it (st.query_params): the browser's address
        # bar, which a page run on a new replica after a reconnection starts from.
        self.link: str | None = None
        self.replicas: list[str] = []  # the affinity cookie's value at each connection
        self.transfers = {"upload": 0, "download": 0}
        self.failed: list[str] = []     # uploads and downloads the server refused
        self.progress: list[str] = []   # the text of every progress bar drawn, in order

    async def __aenter__(self):
        # The browser loads the page first: the proxy's affinity cookie comes with it.
        await asyncio.to_thread(self._http, "GET", "/")
        await self._connect()
        return self

    async def _connect(self):
        headers = {"Cookie": self._cookie_header()} if self.cookies else None
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], origin=self.origin,
                                           max_size=None, open_timeout=60, ping_interval=None,
                                           additional_headers=headers)
        # A proxy that sent this connection to another replica (the first one died) says so
        # with a new cookie on the handshake's answer, as the browser stores it.
        self._keep_cookies(self.ws.response.headers.get_all("Set-Cookie"))
        self.replicas.append(self.cookies.get(AFFINITY_COOKIE, ""))

    async def reconnect(self, timeout: float = 60.0) -> float:
        """Connect again after the connection was lost, as Streamlit's page does (retrying
        until it answers); returns the seconds it took."""
        started = time.perf_counter()
        self._carried = dict(self.widgets or self._shown)
        while True:
            try:
                await self._connect()
                return time.perf_counter() - started
            except (OSError, websockets.WebSocketException, asyncio.TimeoutError):
                if time.perf_counter() - started > timeout:
                    raise
                await asyncio.sleep(0.5)

    @property
    def replica(self) -> str:
        """The replica (affinity cookie) this tab is on now; "" without a proxy."""
        return self.replicas[-1] if self.replicas else ""

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, set_cookies) -> None:
        for c in set_cookies or ():
            name, _, value = c.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def _http(self, method: str, path: str, body: bytes | None = None, headers=None,
              timeout: float = 120) -> bytes:
        """One HTTP request with this tab's cookies (kept from the answer); its body."""
        url = path if path.startswith("http") else f"http://{HOST}:{self.port}{path}"
        req = urllib.request.Request(url, data=body, method=method, headers={
            **({"Cookie": self._cookie_header()} if self.cookies else {}), **(headers or {})})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            self._keep_cookies(r.headers.get_all("Set-Cookie"))
            return r.read()

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def _receive(self) -> ForwardMsg:
        fwd = ForwardMsg()
        fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=180))
        if fwd.metadata.cacheable and fwd.hash:
            self.cached.add(fwd.hash)
        if fwd.WhichOneof("type") == "new_session":
            self.session_id = fwd.new_session.initialize.session_id
        elif fwd.WhichOneof("type") == "page_info_changed":
            self.link = fwd.page_info_changed.query_string
        return fwd

    async def rerun(self, page: str, query: str = "", widget_states=(), fragment: str = "") -> float:
        """One interaction: returns seconds until script_finished (errors are recorded).
        Sends ``widget_states`` and the kept values of every other widget on the page;
        ``fragment``: run only that fragment, as the browser's timer does for run_every."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        if fragment:
            msg.rerun_script.fragment_id = fragment
            msg.rerun_script.is_auto_rerun = True
        else:
            self.auto_reruns = {}
        msg.rerun_script.cached_message_hashes.extend(sorted(self.cached))
        sent = set()
        for state in widget_states:
            msg.rerun_script.widget_states.widgets.append(state)
            sent.add(state.id)
        known = {**self._carried, **self.widgets}
        for key, (field, value) in self.values.items():
            if key in known and known[key][0] not in sent:
                msg.rerun_script.widget_states.widgets.append(
                    self._state(key, field, value, known[key][0]))
        if not fragment:
            self._shown, self.widgets = (self.widgets or self._shown), {}
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            fwd = await self._receive()
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._note(fwd.delta.new_element, page)
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "add_block":
                block = fwd.delta.add_block
                if block.WhichOneof("type") == "popover" and block.popover.id.startswith("$$ID-"):
                    self.widgets[block.popover.id.split("-", 2)[-1]] = (block.popover.id, block.popover)
            elif kind == "auto_rerun":
                self.auto_reruns[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                for fragment_id in fwd.stop_auto_rerun.fragment_ids:
                    self.auto_reruns.pop(fragment_id, None)
            elif kind == "script_finished":
                status = fwd.script_finished
                self._carried = {}
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self.auto_reruns = {}    # st.rerun(): a full run follows, and says anew
                    continue                 # st.rerun() inside the app: wait for the next run
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.errors.append(f"{page}: compile error")
                return time.perf_counter() - started

    async def follow_auto_reruns(self, page: str, query: str = "", timeout: float = 180.0,
                                 polls: list | None = None) -> float | None:
        """Wait as the browser does while a fragment asks to run again (a measurement's
        progress): run it every interval until the page stops asking. Returns the seconds
        until then (None after ``timeout``); each fragment run's latency goes to ``polls``."""
        started = time.perf_counter()
        while self.auto_reruns:
            if time.perf_counter() - started > timeout:
                return None
            fragment, interval = next(iter(self.auto_reruns.items()))
            await asyncio.sleep(interval)
            latency = await self.rerun(page, query, fragment=fragment)
            if polls is not None:
                polls.append(latency)
        return time.perf_counter() - started

    def _note(self, element, page: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(f"{page}: {element.exception.type}: {element.exception.message[:200]}")
            return
        widget = getattr(element, kind)
        if kind == "plotly_chart":
            self.figure_bytes += len(widget.spec)
            self.charts += 1
        elif kind == "progress":
            self.progress.append(widget.text)
        wid = getattr(widget, "id", "")
        if wid.startswith("$$ID-"):
            self.widgets[wid.split("-", 2)[-1]] = (wid, widget)

    def _state(self, key: str, field: str, value, widget_id: str | None = None) -> WidgetState:
        s = WidgetState(id=widget_id or self.widgets[key][0])
        if field == "file_uploader_state_value":
            s.file_uploader_state_value.uploaded_file_info.extend(
                value if isinstance(value, list) else [value])
        elif isinstance(value, list):
            getattr(s, field).data.extend(value)
        else:
            setattr(s, field, value)
        return s

    def state(self, key: str, **value) -> WidgetState:
        """The WidgetState setting widget ``key`` (raw field=value, as the proto has it)."""
        if key not in self.widgets:
            raise KeyError(f"widget {key!r} not on the page; have {sorted(self.widgets)}")
        (field, v), = value.items()
        return self._state(key, field, v)

    def set(self, key: str, value, choices=()) -> WidgetState:
        """Set the widget ``key`` to ``value`` as a user would, whatever its kind: a
        selectbox gets the option shown for ``value`` (``choices``: the page's options, in
        order; for an int range, the value is the index), a slider or number input the
        number, a button a click. The value is kept and sent with later reruns."""
        if key not in self.widgets:
            raise KeyError(f"widget {key!r} not on the page; have {sorted(self.widgets)}")
        _, widget = self.widgets[key]
        kind = type(widget).__name__
        if kind == "Selectbox":
            index = list(choices).index(value) if choices else int(value)
            field, v = "string_value", widget.options[index]
        elif kind == "Slider":
            field, v = "double_array_value", [float(value)]
        elif kind == "NumberInput":
            field, v = (("int_value", int(value)) if widget.data_type == NumberInput.INT
                        else ("double_value", float(value)))
        elif kind == "Button":
            return self._state(key, "trigger_value", True)     # a click is not kept
        else:
            raise KeyError(f"widget {key!r} is a {kind}, which this client does not set")
        self.values[key] = (field, v)
        return self._state(key, field, v)

    async def upload(self, key: str, data: bytes, name: str) -> WidgetState:
        """Upload ``data`` as the browser does and return the uploader's new state."""
        return await self.upload_files(key, [(data, name)])

    async def upload_files(self, key: str, files: list[tuple[bytes, str]]) -> WidgetState:
        """Upload ``files`` ((bytes, name) each) into one uploader, as the browser does: upload
        URLs from the server, then one PUT each (``TransferFailed`` when one is refused)."""
        if key not in self.widgets:
            raise KeyError(f"widget {key!r} not on the page; have {sorted(self.widgets)}")
        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.file_names.extend(name for _, name in files)
        request.file_urls_request.session_id = self.session_id
        await self.ws.send(request.SerializeToString())
        while True:
            fwd = await self._receive()
            if fwd.WhichOneof("type") == "file_urls_response":
                all_urls = list(fwd.file_urls_response.file_urls)
                break
        infos = []
        for (data, name), urls in zip(files, all_urls):
            await asyncio.to_thread(self._put, urls.upload_url, data, name)
            infos.append(UploadedFileInfo(
                file_id=urls.file_id, name=name, size=len(data),
                file_urls=FileURLs(file_id=urls.file_id, upload_url=urls.upload_url,
                                   delete_url=urls.delete_url)))
        state = WidgetState(id=self.widgets[key][0])
        state.file_uploader_state_value.uploaded_file_info.extend(infos)
        self.values[key] = ("file_uploader_state_value", infos)
        return state

    def _put(self, upload_url: str, data: bytes, name: str) -> None:
        self._http("GET", "/_stcore/health", timeout=60)     # the XSRF cookie, as the page has it
        xsrf = self.cookies[XSRF_COOKIE]
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n").encode() + data + \
            f"\r\n--{boundary}--\r\n".encode()
        self.transfers["upload"] += 1
        try:
            self._http("PUT", upload_url, body, {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "X-Xsrftoken": xsrf})
        except urllib.error.HTTPError as e:
            self.failed.append(f"upload {name}: HTTP {e.code} {e.read()[:80]!r}")
            raise TransferFailed(f"upload answered {e.code}") from None

    async def download(self, page: str, query: str, fmt: str = "csv") -> int:
        """Open the page's first figure download menu and download the figure as ``fmt``, as
        the browser does: the server makes the file when asked (a deferred download) and
        answers with a media URL, fetched over HTTP. Returns the bytes received
        (``TransferFailed`` when the server refused)."""
        menus = sorted(k for k in self.widgets if k.startswith("download_") and
                       type(self.widgets[k][1]).__name__ == "Popover")
        if not menus:
            raise KeyError(f"no download menu on {page}")
        opened = WidgetState(id=self.widgets[menus[0]][0], bool_value=True)
        await self.rerun(page, query, [opened])
        button = self.widgets.get(f"{menus[0]}_{fmt}")
        if button is None or not button[1].deferred_file_id:
            raise KeyError(f"no deferred {fmt} download in {menus[0]}")
        request = BackMsg(backend_operation_request=BackendOperationRequest(
            request_id=uuid.uuid4().hex, session_id=self.session_id))
        request.backend_operation_request.deferred_file.file_id = button[1].deferred_file_id
        await self.ws.send(request.SerializeToString())
        while True:
            fwd = await self._receive()
            if (fwd.WhichOneof("type") == "backend_operation_response" and
                    fwd.backend_operation_response.request_id ==
                    request.backend_operation_request.request_id):
                answer = fwd.backend_operation_response
                break
        self.transfers["download"] += 1
        if answer.error_msg:
            self.failed.append(f"download: {answer.error_msg[:80]}")
            raise TransferFailed(answer.error_msg)
        try:
            return len(await asyncio.to_thread(self._http, "GET", answer.deferred_file.url))
        except urllib.error.HTTPError as e:
            self.failed.append(f"download {answer.deferred_file.url}: HTTP {e.code}")
            raise TransferFailed(f"download answered {e.code}") from None
