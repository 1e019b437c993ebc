// Package sql holds every DDL statement, transform and view of the warehouse as
// .sql files, embedded so that the binary carries them.
package sql

import "embed"

// Files holds ddl/ (schema), load/ (validation and merges), checks/ (data checks), marts/ (derived tables), mining/ (scores), publish/ (the published scores), lake/ (Parquet copy), demo/ (the demo summary), schema/ (the data dictionary) ops/ (run history), postgres/ (the demo operational database), report/ (the customer value report) and serve/ (users, downloads, lists and the SQL endpoint's catalog compatibility).
//
//go:embed ddl/*.sql load/*.sql checks/*.sql marts/*.sql mining/*.sql publish/*.sql lake/*.sql demo/*.sql schema/*.sql ops/*.sql postgres/*.sql serve/*.sql report/*.sql
var Files embed.FS
