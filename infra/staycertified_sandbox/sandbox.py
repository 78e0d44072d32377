"""`Sandbox`: the real template deployed into an AWS account emulated in process.

    with Sandbox(start=date(2026, 1, 1)) as sb:
        sb.load_members("data/sample_members.csv")
        sb.advance_to(date(2026, 3, 1))        # fires every schedule due, in order
        status, body = sb.api("GET", "/members/M10000/status", as_member="M10000")
        sb.emails, sb.letters, sb.executions()

moto's state is global to the process, so one sandbox runs at a time
(`SandboxError` otherwise). See README.md beside this file.
"""

from __future__ import annotations

import csv
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3

from . import mail, moto_fixes, runtime
from .api import (
    FORBIDDEN,
    INTERNAL_ERROR,
    NOT_FOUND,
    UNAUTHORIZED,
    Request,
    Route,
    build_event,
    find_route,
    iam_context,
    routes_from_template,
    translate_response,
)
from .credly import CredlyStandin, StandinBadge
from .deploy import (
    Deployment,
    QuietMoto,
    apply_bucket_notifications,
    apply_bucket_versioning,
    create_secrets,
    create_stack,
    function_specs,
    read_stack,
    register_state_machines,
    stack_outputs,
    sync_function_environments,
    verify_sender_identities,
)
from .event_tap import EventTap
from .identity import (
    JwtAuthorizer,
    TokenError,
    UserPools,
    gateway_claims,
    jwt_authorizers,
    provide_user_pools,
)
from .mail import (
    LETTERS_PREFIX,
    Email,
    Letter,
    emails_from_backend,
    letters_from_bucket,
    sent_messages,
    write_outbox,
)
from .schedules import Firing, Schedule, discover, due, fire
from .template import translate

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
ACCOUNT = "123456789012"  # moto's default account
EXECUTION_WAIT_SECONDS = 300.0


class SandboxError(RuntimeError):
    pass


@dataclass(frozen=True)
class ExecutionRecord:
    name: str
    arn: str
    state_machine_arn: str
    status: str
    input: Any
    output: Any
    error: str | None
    cause: str | None


_active_lock = threading.Lock()
_active: Sandbox | None = None


class Sandbox:
    """The whole system in process: deploy on enter, simulated clock, API, outbox."""

    def __init__(
        self,
        start: date | datetime = date(2026, 1, 1),
        template_path: Path | str = DEFAULT_TEMPLATE,
        outbox_dir: Path | str | None = None,
        *,
        stack_name: str = "staycertified",
        region: str = "us-east-1",
        parameters: Mapping[str, str] | None = None,
        time_zone: str | None = None,
    ) -> None:
        self.template_path = Path(template_path).resolve()
        self.outbox_dir = Path(outbox_dir) if outbox_dir else None
        self.stack_name = stack_name
        self.region = region
        self.parameters = dict(parameters or {})
        self._time_zone_name = time_zone
        self._start = start
        self._mock: Any = None
        self._quiet: QuietMoto | None = None
        self._saved_env: dict[str, str | None] = {}
        self.deployment: Deployment | None = None
        self.schedules: list[Schedule] = []
        self.firings: list[Firing] = []
        self.deploy_seconds = 0.0
        self._clients: dict[str, Any] = {}
        self._table: Any = None
        self._restore: list[Any] = []
        self._event_tap: EventTap | None = None
        self.credly: CredlyStandin | None = None  # the Credly stand-in (sb.credly.fail_next)
        self.user_pools: UserPools | None = None
        self._authorizers: dict[tuple[str, str], JwtAuthorizer] = {}
        self._attempts = 0

    # ------------------------------------------------------------ lifecycle
    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        global _active
        with _active_lock:
            if _active is not None:
                raise SandboxError("a sandbox is already running in this process (moto is global)")
            _active = self
        try:
            self._start_mock()
            self._deploy()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        global _active
        if self.outbox_dir and self.deployment:
            self.write_outbox(self.outbox_dir)
        runtime.unregister()
        if self._event_tap is not None:
            self._event_tap.close()
            self._event_tap = None
        if self.credly is not None:
            self.credly.stop()
            self.credly = None
        moto_fixes.ingestion_clock = None
        mail.forget_parsed()
        self._clients, self._table = {}, None
        while self._restore:
            self._restore.pop()()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        moto_fixes.uninstall()
        runtime.uninstall()
        if self._quiet is not None:
            self._quiet.restore()
            self._quiet = None
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}
        with _active_lock:
            if _active is self:
                _active = None

    def _start_mock(self) -> None:
        from moto import mock_aws

        for name, value in {
            "AWS_REGION": self.region,  # read by moto's Step Functions threads between calls
            "AWS_DEFAULT_REGION": self.region,
            **runtime.FAKE_CREDENTIALS,
        }.items():
            self._saved_env[name] = os.environ.get(name)
            os.environ[name] = value
        self._quiet = QuietMoto()
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        runtime.install()
        moto_fixes.install()
        moto_fixes.ingestion_clock = lambda: self.now
        self._patch_s3_event_time()

    def _patch_s3_event_time(self) -> None:
        """S3 notifications carry the simulated now as their `eventTime` (AWS: the real
        time of the event), so the bucket's side judges an upload by the sandbox's clock."""
        from moto.s3 import notifications

        original = notifications.iso_8601_datetime_with_milliseconds

        def simulated(*_: Any) -> str:
            return self.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

        notifications.iso_8601_datetime_with_milliseconds = simulated  # type: ignore[assignment]
        self._restore.append(
            lambda: setattr(notifications, "iso_8601_datetime_with_milliseconds", original)
        )

    def _deploy(self) -> None:
        began = time.perf_counter()
        self._start_credly()
        translated = translate(
            self.template_path, self.stack_name, self.region, ACCOUNT, self.parameters
        )
        self.user_pools, cognito = provide_user_pools(
            translated, self.stack_name, self.region, ACCOUNT, self.parameters
        )
        create_stack(translated, self.stack_name, self.region)
        stack = read_stack(translated, self.stack_name, self.region, ACCOUNT)
        stack.parameters.update(self.parameters)
        stack.physical_ids.update(cognito.physical_ids)
        stack.types.update(cognito.types)
        secrets = create_secrets(translated, stack)
        self._credly_credentials(secrets)
        self._authorizers = jwt_authorizers(translated, stack)
        functions = function_specs(translated, stack)
        runtime.register(list(functions.values()))
        sync_function_environments(functions, self.region)
        register_state_machines(stack)
        apply_bucket_notifications(translated, stack)
        apply_bucket_versioning(translated, stack)
        verify_sender_identities(translated, stack)
        outputs = stack_outputs(translated, stack, self.stack_name)
        self.deployment = Deployment(translated, stack, outputs, functions, secrets)
        self.zone = ZoneInfo(self._time_zone_name or stack.parameters.get("TimeZone", "UTC"))
        self.now = self._start_instant(self._start)
        self.schedules = discover(translated, stack, anchor=self.now)
        self._routes = routes_from_template(translated)
        buses = {spec.environment.get("DOMAIN_EVENT_BUS_NAME") for spec in functions.values()}
        buses.discard(None)
        if len(buses) == 1:  # a template with a domain event bus (not every test template)
            self._event_tap = EventTap(str(buses.pop()))
        self.deploy_seconds = time.perf_counter() - began

    def _start_credly(self) -> None:
        """The Credly stand-in on 127.0.0.1, as the template's Credly parameters see it."""
        from staycertified.policy import load_policy

        self.credly = CredlyStandin()
        self.credly.start()
        types = sorted(load_policy().catalogue)
        self.parameters.setdefault("CredlyBaseUrl", self.credly.url)
        self.parameters.setdefault(
            "CredlyBadgeTemplates", json.dumps({t: f"badge-template-{t.lower()}" for t in types})
        )
        self.parameters.setdefault("CredlyRetryBackoffSeconds", "0.01")

    def _credly_credentials(self, secrets: Mapping[str, str]) -> None:
        """What an operator does after the first deploy: the Credly secret gets the
        organisation id and API token (here the stand-in's)."""
        if self.credly is None or "CredlySecret" not in secrets:
            return
        self.client("secretsmanager").put_secret_value(
            SecretId=secrets["CredlySecret"],
            SecretString=json.dumps(
                {"organization_id": self.credly.organization_id, "token": self.credly.token}
            ),
        )

    @property
    def badges(self) -> list[StandinBadge]:
        """Every badge the Credly stand-in holds (.certificate_number, .state, .expires_at...)."""
        return self.credly.badges if self.credly is not None else []

    # ------------------------------------------------------------ accessors
    @property
    def _deployed(self) -> Deployment:
        if self.deployment is None:
            raise SandboxError("the sandbox is not running")
        return self.deployment

    @property
    def outputs(self) -> dict[str, str]:
        return dict(self._deployed.outputs)

    @property
    def functions(self) -> dict[str, runtime.FunctionSpec]:
        return dict(self._deployed.functions)

    def env(self, name: str) -> str:
        """A variable every function shares (TABLE_NAME, MAIL_BUCKET...)."""
        values = {spec.environment.get(name) for spec in self._deployed.functions.values()}
        values.discard(None)
        values.discard("")  # blanked on purpose (DocumentUploadedFunction: no bucket !Ref cycle)
        if len(values) != 1:
            raise SandboxError(f"{name} is not one shared function variable: {sorted(values)}")
        return values.pop()  # type: ignore[return-value]

    def client(self, service: str) -> Any:
        """A boto3 client on the embedded AWS, made once per service (clients are costly)."""
        if service not in self._clients:
            self._clients[service] = boto3.client(service, region_name=self.region)
        return self._clients[service]

    @property
    def table(self) -> Any:
        if self._table is None:
            resource = boto3.resource("dynamodb", region_name=self.region)
            self._table = resource.Table(self.env("TABLE_NAME"))
        return self._table

    @property
    def outbox_table(self) -> Any:
        """The domain events' outbox (staycertified.events.outbox)."""
        resource = boto3.resource("dynamodb", region_name=self.region)
        return resource.Table(self.env("OUTBOX_TABLE_NAME"))

    @property
    def domain_events(self) -> list[dict[str, Any]]:
        """Every event put on the domain event bus so far, in order (EventBridge shape)."""
        return self._event_tap.events() if self._event_tap else []

    @property
    def routes(self) -> list[Route]:
        """Every HTTP route of the template (.route_key, .function, .authorizer, .iam)."""
        return list(self._routes)

    @property
    def invocations(self) -> list[runtime.Invocation]:
        """Every handler call so far (.function, .event, .logs: what CloudWatch would get)."""
        return list(runtime.REGISTRY.invocations)

    @property
    def failures(self) -> list[runtime.Invocation]:
        """Invocations that raised (async ones included, whose errors AWS keeps to itself)."""
        return [record for record in runtime.REGISTRY.invocations if record.failed]

    # ------------------------------------------------------------ clock
    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def _start_instant(self, start: date | datetime) -> datetime:
        if isinstance(start, datetime):
            return self._aware(start)
        return datetime.combine(start, datetime.min.time(), tzinfo=self.zone).astimezone(UTC)

    def _aware(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC)

    def _target_instant(self, target: date | datetime) -> datetime:
        """A date means the end of that day in the body's time zone (its schedules included)."""
        if isinstance(target, datetime):
            return self._aware(target)
        next_midnight = datetime.combine(
            target + timedelta(days=1), datetime.min.time(), tzinfo=self.zone
        )
        return next_midnight.astimezone(UTC) - timedelta(microseconds=1)

    def advance_to(self, target: date | datetime) -> list[Firing]:
        """Move the clock forward, firing every schedule due on the way, in time order.

        After each firing, waits for every Step Functions execution to finish.
        Returns the firings; handler errors are in `failures`.
        """
        until = self._target_instant(target)
        if until < self.now:
            raise SandboxError(f"the clock only moves forward (now {self.now.isoformat()})")
        fired: list[Firing] = []
        for instant, schedule in due(self.schedules, self.now, until):
            self.now = instant
            fired.extend(fire(schedule, instant, self._deployed.stack, self.client))
            self.wait_for_executions()
        self.now = until
        self.firings.extend(fired)
        return fired

    # ------------------------------------------------------------ Step Functions
    def executions(self) -> list[ExecutionRecord]:
        client = self.client("stepfunctions")
        records = []
        for machine in client.list_state_machines()["stateMachines"]:
            for page in client.get_paginator("list_executions").paginate(
                stateMachineArn=machine["stateMachineArn"]
            ):
                for item in page["executions"]:
                    records.append(self._execution_record(client, item["executionArn"]))
        return records

    @staticmethod
    def _execution_record(client: Any, arn: str) -> ExecutionRecord:
        described = client.describe_execution(executionArn=arn)
        return ExecutionRecord(
            name=described["name"],
            arn=arn,
            state_machine_arn=described["stateMachineArn"],
            status=described["status"],
            input=_json_or_none(described.get("input")),
            output=_json_or_none(described.get("output")),
            error=described.get("error"),
            cause=described.get("cause"),
        )

    def wait_for_executions(self, timeout: float | None = None) -> None:
        """Until no execution is RUNNING (one waiting for a task token counts as settled).

        Read from moto's Step Functions backend itself, not through its API: the sandbox
        waits after every schedule it fires and every write through `api`, and listing
        each state machine's executions through botocore took 40% of a simulated day."""
        timeout = EXECUTION_WAIT_SECONDS if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while any(_is_busy(execution) for execution in _running_executions()):
            if time.monotonic() > deadline:
                raise SandboxError(f"executions still running after {timeout} s")
            time.sleep(0.02)

    # ------------------------------------------------------------ API
    def api(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        as_member: str | None = None,
        as_staff: bool | str = False,
        as_platform: bool | str = False,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> tuple[int, Any]:
        """One HTTP API request, routed like API Gateway; returns (status, parsed body).

        `as_platform=True` signs the request (SigV4) as the learning platform's principal
        (template parameter LearningPlatformPrincipal), a role ARN string as that role:
        what an IAM route (`Auth: {Authorizer: AWS_IAM}`) admits; unsigned requests to
        it get 403 Forbidden without invoking."""
        found = find_route(self._routes, method, path.partition("?")[0])
        if found is None:
            return NOT_FOUND
        route, path_parameters = found
        headers = {key.lower(): value for key, value in (headers or {}).items()}
        claims = None
        if route.authorizer:
            authorizer = self._authorizer(route.api, route.authorizer)
            if as_member is not None or as_staff:
                token = self.id_token(as_member=as_member, as_staff=as_staff, authorizer=authorizer)
                headers["authorization"] = f"Bearer {token}"
            try:
                if self.user_pools is None:
                    raise TokenError("the sandbox is not running")
                claims = gateway_claims(
                    self.user_pools.verify(headers.get("authorization"), authorizer)
                )
            except TokenError:
                return UNAUTHORIZED
        iam = None
        if route.iam:
            if not as_platform:
                return FORBIDDEN  # API Gateway: no SigV4 signature (a bearer token is none)
            principal = as_platform if isinstance(as_platform, str) else self.platform_principal
            iam = iam_context(principal, ACCOUNT)
        request = Request.from_target(
            method, path, body=body, headers=headers, query=dict(query or {}) or None
        )
        event = build_event(route, path_parameters, request, self.now, ACCOUNT, claims, iam=iam)
        response = self.client("lambda").invoke(
            FunctionName=self._deployed.functions[route.function].name,
            Payload=json.dumps(event).encode(),
        )
        payload = json.loads(response["Payload"].read() or b"null")
        if response.get("FunctionError"):
            return INTERNAL_ERROR
        answer = translate_response(payload)
        if request.method != "GET" and answer[0] < 300:
            # a write may have started or resumed a workflow (a review's task token):
            # let it settle, as a client polling the deployed API would see it (twice,
            # a moment apart: moto resumes a parked execution on another thread)
            self.wait_for_executions()
            time.sleep(0.05)
            self.wait_for_executions()
        return answer

    def exam_result(
        self,
        authorization_id: str,
        result: str,
        taken_on: date,
        *,
        attempt_id: str | None = None,
    ) -> tuple[int, Any]:
        """The exam vendor reports one attempt (R31): signed with the exam webhook's secret
        (HMAC over "<timestamp>.<body>") and posted to POST /exam-results/webhook."""
        from staycertified.payments.signature import sign

        self._attempts += 1
        body = json.dumps(
            {
                "authorizationId": authorization_id,
                "attemptId": attempt_id or f"ATT-{authorization_id}-{self._attempts}",
                "result": result,
                "takenOn": taken_on.isoformat(),
            }
        )
        secret_id = self._deployed.functions["ExamResultsWebhookFunction"].environment[
            "EXAM_SECRET_ID"
        ]
        secret = self.client("secretsmanager").get_secret_value(SecretId=secret_id)
        stamp = int(self.now.timestamp())
        headers = {
            "X-Exam-Timestamp": str(stamp),
            "X-Exam-Signature": sign(secret["SecretString"], stamp, body),
            "Content-Type": "application/json",
        }
        return self.api("POST", "/exam-results/webhook", body, headers=headers)

    @property
    def platform_principal(self) -> str:
        """The learning platform's IAM principal (template parameter LearningPlatformPrincipal)."""
        return str(self._deployed.stack.parameters["LearningPlatformPrincipal"])

    def _authorizer(self, api: str, name: str) -> JwtAuthorizer:
        found = self._authorizers.get((api, name))
        if found is None:
            raise SandboxError(f"authorizer {name} of {api} is not a JWT authorizer")
        return found

    def verify_token(self, authorization: str | None) -> dict[str, Any]:
        """The claims of a token the template's (first) JWT authorizer passes; else TokenError."""
        authorizer = next(iter(self._authorizers.values()), None)
        if authorizer is None or self.user_pools is None:
            raise TokenError("the template has no JWT authorizer")
        return self.user_pools.verify(authorization, authorizer)

    def id_token(
        self,
        *,
        as_member: str | None = None,
        as_staff: bool | str = False,
        issued_at: datetime | None = None,
        authorizer: JwtAuthorizer | None = None,
    ) -> str:
        """A real Cognito ID token of the template's user pool (signed in through moto's Cognito).

        `as_member`: an account of that member (custom:member_id set by the admin API, as the
        invitation does); `as_staff`: an account in the `staff` group (True or a name); both:
        one account with both. `authorizer`: whose pool (default: the template's first JWT
        authorizer). `issued_at` (wall-clock instant) mints an uncached token as of
        then: an hour before now gives an expired one. Tokens expire in real time (1 h).
        """
        if as_member is None and not as_staff:
            raise SandboxError("id_token needs as_member and/or as_staff")
        authorizer = authorizer or next(iter(self._authorizers.values()), None)
        if authorizer is None:
            raise SandboxError("the template has no JWT authorizer")
        staff = None
        if as_staff:
            staff = as_staff if isinstance(as_staff, str) else "staff"
        if self.user_pools is None:
            raise SandboxError("the sandbox is not running")
        return self.user_pools.id_token(
            authorizer,
            member_id=as_member,
            staff=staff,
            issued_at=issued_at.timestamp() if issued_at else None,
        )

    # ------------------------------------------------------------ data in
    def load_members(
        self,
        rows_or_csv_path: Iterable[Mapping[str, str]] | Path | str,
        *,
        activation_events: bool = True,
        new_certifications: bool = False,
    ) -> Any:
        """Import members with the store's importer; returns its ImportReport.
        `activation_events=False`: no CertificationActivated (IMPORTED) events;
        `new_certifications=True`: the rows are certifications first granted, each
        written once with its CertificationActivated (INITIAL) in one transaction."""
        from staycertified.store.importer import import_members

        if isinstance(rows_or_csv_path, str | Path):
            with open(rows_or_csv_path, newline="", encoding="utf-8") as handle:
                rows: Iterable[Mapping[str, str]] = list(csv.DictReader(handle))
        else:
            rows = rows_or_csv_path
        return import_members(
            rows,
            table=self.table,
            today=self.today,
            outbox_table=self.outbox_table,
            activation_events=activation_events,
            new_certifications=new_certifications,
        )

    def put_document(self, key: str, data: bytes, content_type: str = "application/pdf") -> None:
        """Upload to the documents bucket; its S3 notification runs the handler, synchronously."""
        self.client("s3").put_object(
            Bucket=self.env("DOCUMENTS_BUCKET"), Key=key, Body=data, ContentType=content_type
        )

    def upload(
        self, grant: Mapping[str, Any], data: bytes, file_name: str = "upload"
    ) -> tuple[int, str]:
        """Posts a file to an upload grant's url and fields as a browser form would
        (multipart POST, the file last), through the embedded S3; the bucket's
        notification runs its handler before this returns. `grant` is the 201 body of
        `POST /members/{id}/uploads` (or its `upload`). Returns (status, body text).

        moto accepts what AWS's POST policy would refuse (size range, type, expiry):
        the bucket-side check (DocumentUploadedFunction) rejects and removes those."""
        import requests

        upload = grant.get("upload", grant)
        fields = {str(k): str(v) for k, v in upload["fields"].items()}
        content_type = fields.get("Content-Type", "application/octet-stream")
        answer = requests.post(
            str(upload["url"]),
            data=fields,
            files={"file": (file_name, data, content_type)},
            timeout=60,
        )
        return answer.status_code, answer.text

    def put_event(
        self,
        source: str,
        detail_type: str,
        detail: Mapping[str, Any],
        *,
        time: datetime | None = None,
    ) -> dict[str, Any]:
        """An EventBridge event, as its sender puts it (the learning platform for its source).

        It goes on the bus of the template's rules that match `source` (the default bus if
        none names one); moto checks no bus policy, the template tests do. `time` is what the
        sender claims (default: now); the rule targets' `<aws.events.event.ingestion-time>`
        is the simulated now either way.
        """
        entry: dict[str, Any] = {
            "Source": source,
            "DetailType": detail_type,
            "Detail": json.dumps(detail),
            "Time": time or self.now,
        }
        bus = self._bus_for(source)
        if bus:
            entry["EventBusName"] = bus
        return self.client("events").put_events(Entries=[entry])

    def _bus_for(self, source: str) -> str | None:
        from .intrinsics import resolve

        for _, props in self._deployed.translated.sam_resources("AWS::Serverless::Function"):
            for event in (props.get("Events") or {}).values():
                spec = event.get("Properties") or {}
                sources = (spec.get("Pattern") or {}).get("source") or []
                if event.get("Type") == "EventBridgeRule" and source in sources:
                    name = spec.get("EventBusName")
                    if isinstance(name, dict) and "Fn::GetAtt" in name:  # a bus of the template
                        bus_id = name["Fn::GetAtt"][0]
                        name = self._deployed.translated.cfn["Resources"][bus_id]["Properties"][
                            "Name"
                        ]
                    return str(resolve(name, self._deployed.stack)) if name else None
        return None

    # ------------------------------------------------------------ data out
    @property
    def emails(self) -> list[Email]:
        return emails_from_backend(ACCOUNT, self.region)

    @property
    def letters(self) -> list[Letter]:
        return letters_from_bucket(self.client("s3"), self.env("MAIL_BUCKET"))

    def email_count(self) -> int:
        """How many emails SES accepted (none is parsed)."""
        return len(sent_messages(ACCOUNT, self.region))

    def letter_count(self) -> int:
        """How many letters the mail bucket holds (a listing: no letter is read)."""
        pages = self.client("s3").get_paginator("list_objects_v2")
        listing = pages.paginate(Bucket=self.env("MAIL_BUCKET"), Prefix=LETTERS_PREFIX)
        return sum(page.get("KeyCount", 0) for page in listing)

    def write_outbox(self, folder: Path | str) -> Path:
        return write_outbox(Path(folder), sent_messages(ACCOUNT, self.region), self.letters)


def _running_executions() -> list[Any]:
    """moto's RUNNING executions, every state machine of every account and region."""
    from moto.stepfunctions.parser.api import ExecutionStatus
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    return [
        execution
        for backend in _parser_backends(stepfunctions_parser_backends)
        for machine in list(backend.state_machines)
        for execution in list(machine.executions)
        if execution.exec_status == ExecutionStatus.RUNNING
    ]


def _is_busy(execution: Any) -> bool:
    """Whether the execution is moving: only one parked on an unanswered task token is
    settled."""
    history = list(execution.to_history_output()["events"])
    if not history:
        return True  # not started yet
    last = max(history, key=lambda event: event["id"])
    if last["type"] != "TaskSubmitted":
        # TaskScheduled/TaskStarted of a token task: its function has not returned
        # (nor stored the token) yet; any other event: the execution is moving.
        return True
    tasks = [event for event in history if event["type"] == "TaskScheduled"]
    latest = max(tasks, key=lambda event: event["id"]) if tasks else {}
    resource = (latest.get("taskScheduledEventDetails") or {}).get("resource", "")
    if "waitForTaskToken" not in resource:
        return True  # only a task parked on a token is settled
    # SendTaskSuccess/Failure arrived: the execution is resuming on moto's thread
    # (its history lags behind the answer), so it is not settled yet.
    return _token_answered(execution)


def _token_answered(execution: Any) -> bool:
    """Whether the token of the task the execution is parked on was answered (moto
    resumes the execution on another thread: its history lags behind SendTaskSuccess).
    The parked task's token is the newest of the execution's callback pool (moto adds
    each token when its task starts and keeps answered ones): reading it there needs no
    parsing of the history's parameters (a lambda Payload is recorded as a string)."""
    worker = getattr(execution, "exec_worker", None)
    env = getattr(worker, "env", None)
    pool = getattr(getattr(env, "callback_pool_manager", None), "_pool", {})
    if not pool:
        return False
    newest = next(reversed(list(pool.values())))
    return newest.get_outcome() is not None


def _parser_backends(backends: Any) -> Iterator[Any]:
    for account in backends.values():
        yield from account.values()


def _json_or_none(text: str | None) -> Any:
    return json.loads(text) if text else None
