"""Processes that form a local cluster in the distribution tests: free ports, and waiting for every worker."""

import pathlib
import socket


def free_ports(count):
    """Returns `count` TCP ports of 127.0.0.1 that are free now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_for_all(processes_and_logs, timeout):
    """Waits for every `(process, open log file)`; kills the rest when one fails or times out (they would wait)."""
    try:
        for process, log in processes_and_logs:
            code = process.wait(timeout=timeout)
            assert code == 0, pathlib.Path(log.name).read_text()[-3000:]
    finally:
        for process, _ in processes_and_logs:
            if process.poll() is None:
                process.kill()
                process.wait()
