"""Entry point: `python app.py` serves OpsFlow on the embedded SQLite database, demo data included."""
import faulthandler
import os
import signal

from webui import create_app
from webui.cli import demo_history_size, prepare
from webui.scheduler import start_embedded
from webui.server import run_threaded, stop_within
from webui.welcome import welcome

app = create_app()
if hasattr(signal, "SIGUSR1"):  # `kill -USR1 <pid>`: every thread's stack, for support
    faulthandler.register(signal.SIGUSR1, all_threads=True)

if __name__ == "__main__":
    demo = os.environ.get("OPSFLOW_DEMO", "1") != "0"
    host, port = os.environ.get("OPSFLOW_HOST", "127.0.0.1"), int(os.environ.get("OPSFLOW_PORT", "5000"))
    prepare(app, demo=demo, history=demo_history_size() if demo else 0)
    scheduler = start_embedded(app)  # timers, rule runs, escalations in this process; OPSFLOW_SCHEDULER=off: apart
    try:  # from here on, a Ctrl-C must stop the scheduler too: a poll under way would keep the process alive
        print(welcome(host, port, demo), flush=True)
        run_threaded(app, host, port)
    except KeyboardInterrupt:  # before the server began serving
        stop_within()
    finally:
        if scheduler is not None and not scheduler.shutdown():
            print("A scheduler poll was still under way: it is rolled back and done again on the next start.",
                  flush=True)
            os._exit(0)
