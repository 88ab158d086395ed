"""The only place that imports grpc and the generated stubs: servicers, server, client, conversions."""
