"""gunicorn configuration of the source interface (deploy/systemd/westrong-source.service).

gunicorn -c deploy/gunicorn/source.py 'source_interface.app:from_environment()'

Loopback only: tor's HiddenServicePort is the one client. No access log at all (a source's
request is nobody's business, and journald would stamp each line with the exact time).
"""

bind = ["127.0.0.1:8080"]
# gthread (with a guard on the head, decision 104): a slow Tor client holds a thread, not a
# process, and a head still arriving holds none; a stalled body is cut after 30 s
# by webcommon/bodyguard.py; 2 x 48 threads leave room for many slow uploads at once.
worker_class = "webcommon.headguard.HeadGuardWorker"
workers = 2
threads = 48
# The heartbeat of a gthread worker comes from its main loop, not from the request, so a
# long upload over Tor is not killed by this timeout.
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = None
disable_redirect_access_to_syslog = True
errorlog = "-"
loglevel = "warning"
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
forwarded_allow_ips = ""
proxy_allow_ips = ""
umask = 0o077
# gunicorn 27's control socket would live in the service user's home; nothing uses it.
control_socket_disable = True
