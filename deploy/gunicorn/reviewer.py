"""gunicorn configuration of the reviewer interface (deploy/systemd/westrong-reviewer.service).

gunicorn -c deploy/gunicorn/reviewer.py 'journalist_interface.app:from_environment()'

Loopback only: tor's HiddenServicePort is the one client. No access log: what reviewers do
goes to the audit log in the database, and journald would stamp each request with its time.
"""

bind = ["127.0.0.1:8081"]
# gthread (with a guard on the head, decision 104): a slow Tor client holds a thread, not a
# process, and a head still arriving holds none; a stalled body is cut after 30 s
# by webcommon/bodyguard.py; 16 threads are plenty for a few officers.
worker_class = "webcommon.headguard.HeadGuardWorker"
workers = 2
threads = 16
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
