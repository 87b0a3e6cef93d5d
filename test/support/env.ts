// Tests assert on responses and counts; set POWERTOOLS_LOG_LEVEL=DEBUG to see the functions' logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
