package serve

import (
	"bufio"
	"net"
	"sync"
)

// bufferedListener gives each connection of the SQL endpoint a write buffer, flushed whenever
// the server is about to read from the client (and when it fills). psql-wire writes every
// message straight to the connection, one system call per result row, which capped a large
// read at about 100,000 rows a second; PostgreSQL itself buffers its output the same way. The
// server always reads after answering, so nothing it wrote waits for the client.
type bufferedListener struct{ net.Listener }

func (l bufferedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &bufferedConn{Conn: c, w: bufio.NewWriterSize(c, 64<<10)}, nil
}

type bufferedConn struct {
	net.Conn
	mu sync.Mutex
	w  *bufio.Writer
}

func (c *bufferedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.Write(p)
}

func (c *bufferedConn) Read(p []byte) (int, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *bufferedConn) Close() error {
	_ = c.flush() // the goodbye (an error, a last result) if the client still listens
	return c.Conn.Close()
}

func (c *bufferedConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.Flush()
}
