"""One simulated browser tab for bench/load.py: Streamlit's websocket protocol, on 127.0.0.1.

A rerun is a BackMsg with the page name and the widget states, as the browser sends it; its
latency is from sending it to the server's script_finished. Like the browser, the client
keeps a message cache (hashes of large elements already received, so the server answers with
a reference), sends every widget value it has set on each rerun, and uploads a file over
HTTP (an upload URL from the server, a multipart PUT with the XSRF cookie and header) before
naming it in the uploader's state.
"""
from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState

HOST = "127.0.0.1"           # never anything else
XSRF_COOKIE = "_streamlit_xsrf"


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

    async def __aenter__(self):
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], origin=self.origin,
                                           max_size=None, open_timeout=60, ping_interval=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def _receive(self) -> ForwardMsg:
        fwd = ForwardMsg()
        fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=180))
        if fwd.metadata.cacheable and fwd.hash:
            self.cached.add(fwd.hash)
        if fwd.WhichOneof("type") == "new_session":
            self.session_id = fwd.new_session.initialize.session_id
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
        for key, (field, value) in self.values.items():
            if key in self.widgets and self.widgets[key][0] not in sent:
                msg.rerun_script.widget_states.widgets.append(self._state(key, field, value))
        if not fragment:
            self.widgets = {}
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            fwd = await self._receive()
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._note(fwd.delta.new_element, page)
            elif kind == "auto_rerun":
                self.auto_reruns[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
            elif kind == "stop_auto_rerun":
                for fragment_id in fwd.stop_auto_rerun.fragment_ids:
                    self.auto_reruns.pop(fragment_id, None)
            elif kind == "script_finished":
                status = fwd.script_finished
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
        wid = getattr(widget, "id", "")
        if wid.startswith("$$ID-"):
            self.widgets[wid.split("-", 2)[-1]] = (wid, widget)

    def _state(self, key: str, field: str, value) -> WidgetState:
        s = WidgetState(id=self.widgets[key][0])
        if isinstance(value, list):
            getattr(s, field).data.extend(value)
        elif field == "file_uploader_state_value":
            s.file_uploader_state_value.uploaded_file_info.append(value)
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
        if key not in self.widgets:
            raise KeyError(f"widget {key!r} not on the page; have {sorted(self.widgets)}")
        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id
        await self.ws.send(request.SerializeToString())
        while True:
            fwd = await self._receive()
            if fwd.WhichOneof("type") == "file_urls_response":
                urls = fwd.file_urls_response.file_urls[0]
                break
        await asyncio.to_thread(self._put, urls.upload_url, data, name)
        info = UploadedFileInfo(file_id=urls.file_id, name=name, size=len(data),
                                file_urls=FileURLs(file_id=urls.file_id, upload_url=urls.upload_url,
                                                   delete_url=urls.delete_url))
        self.values[key] = ("file_uploader_state_value", info)
        return self._state(key, "file_uploader_state_value", info)

    def _put(self, upload_url: str, data: bytes, name: str) -> None:
        base = f"http://{HOST}:{self.port}"
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=60) as r:
            cookie = next(c.split(";")[0].split("=", 1)[1] for c in r.headers.get_all("Set-Cookie")
                          if c.startswith(XSRF_COOKIE + "="))
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n").encode() + data + \
            f"\r\n--{boundary}--\r\n".encode()
        url = upload_url if upload_url.startswith("http") else base + upload_url
        req = urllib.request.Request(url, data=body, method="PUT", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": f"{XSRF_COOKIE}={cookie}", "X-Xsrftoken": cookie})
        with urllib.request.urlopen(req, timeout=120) as r:
            if r.status not in (200, 204):
                raise OSError(f"upload answered {r.status}")
