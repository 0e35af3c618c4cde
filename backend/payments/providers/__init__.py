"""Payment providers: the sandbox gateway, WeChat Pay (API v3), Alipay (RSA2) and offline tenders."""
