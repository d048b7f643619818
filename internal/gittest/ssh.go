package gittest

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
)

// SSHServer serves Git over SSH on 127.0.0.1: it accepts the public keys
// it was given and runs git upload-pack and receive-pack for repositories
// under its root, as a forge's SSH endpoint does.
type SSHServer struct {
	// HostKey is the server's public host key, for ssh.FixedHostKey.
	HostKey ssh.PublicKey
	// Addr is host:port.
	Addr string

	tb   testing.TB
	root string
	l    net.Listener
	cfg  *ssh.ServerConfig

	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

// NewSSHServer starts an SSH server that admits the given client keys and
// stops it when the test ends.
func NewSSHServer(tb testing.TB, authorized ...ssh.PublicKey) *SSHServer {
	tb.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatalf("gittest: host key: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		tb.Fatalf("gittest: host key: %v", err)
	}
	s := &SSHServer{tb: tb, root: tb.TempDir(), HostKey: signer.PublicKey()}
	s.cfg = &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			for _, k := range authorized {
				if string(k.Marshal()) == string(key.Marshal()) {
					return nil, nil
				}
			}
			return nil, errors.New("key not authorized")
		},
	}
	s.cfg.AddHostKey(signer)
	s.l, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("gittest: listen: %v", err)
	}
	s.Addr = s.l.Addr().String()
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(func() {
		_ = s.l.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

// NewRepo creates the bare repository name.git on the server, seeded like
// Server.NewRepo; its URL is ssh://git@127.0.0.1:port/name.git.
func (s *SSHServer) NewRepo(name string, files map[string]string) *Repo {
	s.tb.Helper()
	r := initRepo(s.tb, filepath.Join(s.root, name+".git"))
	r.URL = "ssh://git@" + s.Addr + "/" + name + ".git"
	if files != nil {
		r.Commit("refs/heads/main", files)
	}
	return r
}

func (s *SSHServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(c)
		}()
	}
}

func (s *SSHServer) serveConn(c net.Conn) {
	defer c.Close()
	conn, chans, reqs, err := ssh.NewServerConn(c, s.cfg)
	if err != nil {
		return
	}
	defer conn.Close()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(ch, creqs)
		}()
	}
}

func (s *SSHServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		switch req.Type {
		case "env":
			_ = req.Reply(true, nil)
		case "exec":
			var p struct{ Command string }
			if err := ssh.Unmarshal(req.Payload, &p); err != nil {
				_ = req.Reply(false, nil)
				return
			}
			_ = req.Reply(true, nil)
			code := s.run(ch, p.Command)
			_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(code)}))
			return
		default:
			_ = req.Reply(false, nil)
		}
	}
}

// run executes "git-upload-pack '/name.git'" or "git-receive-pack ..."
// against a repository under the root and returns the exit code.
func (s *SSHServer) run(ch ssh.Channel, command string) int {
	verb, arg, _ := strings.Cut(command, " ")
	var sub string
	switch verb {
	case "git-upload-pack":
		sub = "upload-pack"
	case "git-receive-pack":
		sub = "receive-pack"
	default:
		fmt.Fprintf(ch.Stderr(), "unsupported command %q\n", verb)
		return 1
	}
	repoPath := path.Clean("/" + strings.Trim(arg, "'\""))
	dir := filepath.Join(s.root, filepath.FromSlash(repoPath))
	cmd := exec.Command("git", sub, dir)
	cmd.Env = gitEnv()
	cmd.Stdout = ch
	cmd.Stderr = ch.Stderr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(ch.Stderr(), "%v\n", err)
		return 1
	}
	// Not waited for: it ends when the channel closes.
	go func() {
		_, _ = io.Copy(stdin, ch)
		_ = stdin.Close()
	}()
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		return 1
	}
	return 0
}
