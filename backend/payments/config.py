"""Payment settings (prefix ``OMO_PAY_``) and the process-wide runtime: providers and HTTP client."""

from __future__ import annotations

import hashlib
import hmac

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.core.settings import Settings, get_settings
from backend.payments.providers.base import PaymentProvider

API_PREFIX = "/api/v1"


class PaymentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMO_PAY_", env_file=".env", extra="ignore")

    # The sandbox gateway lets anyone "pay" by pressing a button: on unless the app runs in production.
    sandbox_enabled: bool | None = None
    # Key the sandbox gateway signs notifications with; derived from the app's secret key when unset.
    sandbox_merchant_key: str | None = None
    # Where gateways post notifications and where pay pages live; the app's public_base_url when unset.
    notify_base_url: str | None = None
    payment_minutes: int = 30
    # A notification signed longer ago than this is a replay and is refused.
    notify_window_seconds: int = 300
    # Seconds between the sandbox gateway's delivery attempts (the last one repeats until max attempts).
    notify_backoff_seconds: list[int] = Field(default_factory=lambda: [5, 15, 30, 180, 600, 1200, 1800, 3600])
    notify_max_attempts: int = 15
    gateway_timeout_seconds: float = 10.0

    wechatpay_mchid: str | None = None
    wechatpay_appid: str | None = None
    wechatpay_cert_serial_no: str | None = None
    wechatpay_private_key: str | None = None
    wechatpay_apiv3_key: str | None = None
    wechatpay_public_key: str | None = None
    wechatpay_public_key_id: str | None = None
    wechatpay_base_url: str = "https://api.mch.weixin.qq.com"

    alipay_appid: str | None = None
    alipay_app_private_key: str | None = None
    alipay_public_key: str | None = None
    alipay_gateway_url: str = "https://openapi.alipay.com/gateway.do"

    @property
    def wechatpay_enabled(self) -> bool:
        return bool(self.wechatpay_mchid and self.wechatpay_private_key and self.wechatpay_apiv3_key)

    @property
    def alipay_enabled(self) -> bool:
        return bool(self.alipay_appid and self.alipay_app_private_key and self.alipay_public_key)


class PaymentsRuntime:
    """Settings, the HTTP client for gateway calls and the providers, for one process."""

    def __init__(
        self,
        settings: Settings,
        config: PaymentSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.config = config or PaymentSettings()
        self.http = httpx.AsyncClient(transport=transport, timeout=self.config.gateway_timeout_seconds)
        base = (self.config.notify_base_url or settings.public_base_url).rstrip("/")
        self.base_url = base + API_PREFIX + "/payments"
        self.sandbox_key = (
            self.config.sandbox_merchant_key
            or hmac.new(settings.secret_key.encode(), b"omo-sandbox-merchant-key", hashlib.sha256).hexdigest()
        )
        self.providers: dict[str, PaymentProvider] = {}
        self._load_providers()

    @property
    def sandbox_enabled(self) -> bool:
        enabled = self.config.sandbox_enabled
        return self.settings.env != "production" if enabled is None else enabled

    def notify_url(self, provider: str) -> str:
        return f"{self.base_url}/notify/{provider}"

    def _load_providers(self) -> None:
        from backend.payments.providers.alipay import AlipayProvider
        from backend.payments.providers.offline import OfflineProvider
        from backend.payments.providers.sandbox import SandboxProvider
        from backend.payments.providers.wechatpay import WeChatPayProvider

        if self.sandbox_enabled:
            self.providers["sandbox"] = SandboxProvider(self)
        self.providers["cash"] = OfflineProvider("cash")
        self.providers["card"] = OfflineProvider("card")
        if self.config.wechatpay_enabled:
            self.providers["wechatpay"] = WeChatPayProvider(self)
        if self.config.alipay_enabled:
            self.providers["alipay"] = AlipayProvider(self)

    async def aclose(self) -> None:
        await self.http.aclose()


_runtime: PaymentsRuntime | None = None


def configure(
    settings: Settings,
    config: PaymentSettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> PaymentsRuntime:
    """Set up payments for this process (the app does it on first use; tests to point at simulators)."""
    global _runtime
    _runtime = PaymentsRuntime(settings, config, transport=transport)
    return _runtime


def runtime(settings: Settings | None = None) -> PaymentsRuntime:
    """The process's payments runtime, set up for ``settings`` (or the environment's) if not yet."""
    if _runtime is None or (settings is not None and _runtime.settings is not settings):
        return configure(settings or get_settings())
    return _runtime
