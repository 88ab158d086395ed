// Command gohost launches a Grafana backend plugin with HashiCorp go-plugin's real client, configured the way
// Grafana configures it, runs a list of pluginv2 calls read as JSON and prints a JSON report on stdout.
//
// Usage: gohost <plugin-executable> <calls.json>   (calls.json "-" reads stdin)
//
// The go-plugin log goes to stderr (level from GOHOST_LOG_LEVEL, default trace). GOHOST_AUTO_MTLS=1 turns on
// go-plugin's AutoMTLS (Grafana leaves it off). The exit code is 1 when a call
// failed and 2 when the plugin could not be started.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/ioutil"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"gohost/pluginv2"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// connPlugin hands out go-plugin's shared gRPC connection, like the Go SDK's grpcplugin client types do.
type connPlugin struct {
	plugin.NetRPCUnsupportedPlugin
}

func (connPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return errors.New("host side only")
}

func (connPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	return conn, nil
}

type call struct {
	Call        string          `json:"call"`
	Request     json.RawMessage `json:"request"`
	Repeat      int             `json:"repeat"`
	Concurrency int             `json:"concurrency"`
	TimeoutS    float64         `json:"timeout_s"`
	MaxMessages int             `json:"max_messages"`
}

type result struct {
	Call      string            `json:"call"`
	OK        bool              `json:"ok"`
	Error     string            `json:"error,omitempty"`
	Code      string            `json:"code,omitempty"`
	Response  json.RawMessage   `json:"response,omitempty"`
	Responses []json.RawMessage `json:"responses,omitempty"`
	MS        float64           `json:"ms"`
	CallsPerS float64           `json:"calls_per_s,omitempty"`
}

type report struct {
	StartMS           float64  `json:"start_ms"`
	StartError        string   `json:"start_error,omitempty"`
	NegotiatedVersion int      `json:"negotiated_version"`
	Protocol          string   `json:"protocol"`
	PID               int      `json:"pid"`
	Calls             []result `json:"calls"`
	KillMS            float64  `json:"kill_ms"`
	Exited            bool     `json:"exited"`
}

type clients struct {
	conn        *grpc.ClientConn
	data        pluginv2.DataClient
	diagnostics pluginv2.DiagnosticsClient
	resource    pluginv2.ResourceClient
	stream      pluginv2.StreamClient
	ping        func() error
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Microseconds()) / 1000.0 }

func render(m proto.Message) json.RawMessage {
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"marshal_error": err.Error()})
	}
	return json.RawMessage(b)
}

func parse(raw json.RawMessage, m proto.Message) error {
	if len(raw) == 0 {
		return nil
	}
	return protojson.Unmarshal(raw, m)
}

// once runs one call and returns the rendered response(s).
func once(ctx context.Context, c *clients, spec call) (json.RawMessage, []json.RawMessage, error) {
	switch spec.Call {
	case "Ping":
		return nil, nil, c.ping()
	case "CheckHealth":
		req := &pluginv2.CheckHealthRequest{}
		if err := parse(spec.Request, req); err != nil {
			return nil, nil, err
		}
		resp, err := c.diagnostics.CheckHealth(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		return render(resp), nil, nil
	case "CollectMetrics":
		req := &pluginv2.CollectMetricsRequest{}
		if err := parse(spec.Request, req); err != nil {
			return nil, nil, err
		}
		resp, err := c.diagnostics.CollectMetrics(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		return render(resp), nil, nil
	case "QueryData":
		req := &pluginv2.QueryDataRequest{}
		if err := parse(spec.Request, req); err != nil {
			return nil, nil, err
		}
		resp, err := c.data.QueryData(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		return render(resp), nil, nil
	case "SubscribeStream":
		req := &pluginv2.SubscribeStreamRequest{}
		if err := parse(spec.Request, req); err != nil {
			return nil, nil, err
		}
		resp, err := c.stream.SubscribeStream(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		return render(resp), nil, nil
	case "PublishStream":
		req := &pluginv2.PublishStreamRequest{}
		if err := parse(spec.Request, req); err != nil {
			return nil, nil, err
		}
		resp, err := c.stream.PublishStream(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		return render(resp), nil, nil
	case "CallResource":
		req := &pluginv2.CallResourceRequest{}
		if err := parse(spec.Request, req); err != nil {
			return nil, nil, err
		}
		st, err := c.resource.CallResource(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		var out []json.RawMessage
		for {
			msg, err := st.Recv()
			if err == io.EOF {
				return nil, out, nil
			}
			if err != nil {
				return nil, out, err
			}
			out = append(out, render(msg))
		}
	case "QueryChunkedData":
		req := &pluginv2.QueryChunkedDataRequest{}
		if err := parse(spec.Request, req); err != nil {
			return nil, nil, err
		}
		st, err := c.data.QueryChunkedData(ctx, req)
		if err != nil {
			return nil, nil, err
		}
		var out []json.RawMessage
		for {
			msg, err := st.Recv()
			if err == io.EOF {
				return nil, out, nil
			}
			if err != nil {
				return nil, out, err
			}
			out = append(out, render(msg))
		}
	case "RunStream":
		req := &pluginv2.RunStreamRequest{}
		if err := parse(spec.Request, req); err != nil {
			return nil, nil, err
		}
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		st, err := c.stream.RunStream(sctx, req)
		if err != nil {
			return nil, nil, err
		}
		limit := spec.MaxMessages
		if limit <= 0 {
			limit = 1
		}
		var out []json.RawMessage
		for len(out) < limit {
			msg, err := st.Recv()
			if err == io.EOF {
				return nil, out, nil
			}
			if err != nil {
				return nil, out, err
			}
			out = append(out, render(msg))
		}
		return nil, out, nil
	}
	return nil, nil, fmt.Errorf("unknown call %q", spec.Call)
}

func run(c *clients, spec call) result {
	res := result{Call: spec.Call}
	timeout := time.Duration(spec.TimeoutS * float64(time.Second))
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	repeat, workers := spec.Repeat, spec.Concurrency
	if repeat <= 0 {
		repeat = 1
	}
	if workers <= 0 {
		workers = 1
	}
	start := time.Now()
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	next := make(chan int, repeat)
	for i := 0; i < repeat; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				resp, resps, err := once(ctx, c, spec)
				cancel()
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if i == 0 {
					res.Response, res.Responses = resp, resps
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.MS = msSince(start)
	if repeat > 1 {
		res.CallsPerS = float64(repeat) / time.Since(start).Seconds()
	}
	res.OK = firstErr == nil
	if firstErr != nil {
		res.Error = firstErr.Error()
		if s, ok := status.FromError(firstErr); ok {
			res.Code = s.Code().String()
		}
	}
	return res
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gohost <plugin-executable> <calls.json|->")
		os.Exit(2)
	}
	var raw []byte
	var err error
	if os.Args[2] == "-" {
		raw, err = ioutil.ReadAll(os.Stdin)
	} else {
		raw, err = ioutil.ReadFile(os.Args[2])
	}
	var specs []call
	if err == nil {
		err = json.Unmarshal(raw, &specs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot read calls:", err)
		os.Exit(2)
	}
	level := os.Getenv("GOHOST_LOG_LEVEL")
	if level == "" {
		level = "trace"
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "host", Level: hclog.LevelFromString(level), Output: os.Stderr})
	exe, _ := filepath.Abs(os.Args[1])
	conn := connPlugin{}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  2,
			MagicCookieKey:   "grafana_plugin_type",
			MagicCookieValue: "datasource",
		},
		VersionedPlugins: map[int]plugin.PluginSet{
			2: {"data": conn, "diagnostics": conn, "resource": conn, "stream": conn},
		},
		Cmd:              exec.Command(exe),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           logger,
		StartTimeout:     20 * time.Second,
		AutoMTLS:         os.Getenv("GOHOST_AUTO_MTLS") == "1",
	})
	rep := report{Calls: []result{}}
	start := time.Now()
	rpc, err := client.Client()
	rep.StartMS = msSince(start)
	if cfg := client.ReattachConfig(); cfg != nil {
		rep.PID = cfg.Pid
	}
	code := 0
	if err != nil {
		rep.StartError = err.Error()
		code = 2
	} else {
		rep.NegotiatedVersion = client.NegotiatedVersion()
		rep.Protocol = string(client.Protocol())
		raw, derr := rpc.Dispense("data")
		if derr != nil {
			rep.StartError = derr.Error()
			code = 2
		} else {
			gc := raw.(*grpc.ClientConn)
			c := &clients{
				conn:        gc,
				data:        pluginv2.NewDataClient(gc),
				diagnostics: pluginv2.NewDiagnosticsClient(gc),
				resource:    pluginv2.NewResourceClient(gc),
				stream:      pluginv2.NewStreamClient(gc),
				ping:        rpc.Ping,
			}
			for _, spec := range specs {
				res := run(c, spec)
				if !res.OK {
					code = 1
				}
				rep.Calls = append(rep.Calls, res)
			}
		}
	}
	killStart := time.Now()
	client.Kill()
	rep.KillMS = msSince(killStart)
	rep.Exited = client.Exited()
	out, _ := json.Marshal(rep)
	fmt.Println(string(out))
	os.Exit(code)
}
