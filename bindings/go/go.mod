module github.com/cognition-core/cognition-core/bindings/go

go 1.22
