"""A stand-in mail server for the email tests."""

import socket
import threading


class SmtpCatcher:
    """A tiny SMTP server on 127.0.0.1: the first connection gets no greeting
    (a mail server that hangs), the later ones are served and recorded."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.messages: list[str] = []
        self.hung = threading.Event()
        self.held = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return  # closed
            if not self.hung.is_set():
                self.held.append(conn)
                self.hung.set()
            else:
                threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        say("220 catcher")
        data, lines = False, []
        for raw in conn.makefile("rb"):
            line = raw.decode(errors="replace").rstrip("\r\n")
            if data:
                if line == ".":
                    self.messages.append("\n".join(lines))
                    data, lines = False, []
                    say("250 queued")
                else:
                    lines.append(line)
            elif line[:4].upper() == "DATA":
                data = True
                say("354 go on")
            elif line[:4].upper() == "QUIT":
                say("221 bye")
                break
            else:
                say("250 ok")
        conn.close()

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()
