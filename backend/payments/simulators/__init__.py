"""Local gateways: the sandbox gateway the product ships, and faithful WeChat Pay and Alipay simulators."""
