# Every Dagster task (webserver, daemon, runs): no inbound traffic, outbound only HTTPS (ECR,
# Secrets Manager, CloudWatch, S3, Snowflake, source APIs) and PostgreSQL to the run storage.
resource "aws_security_group" "dagster_tasks" {
  name        = "${var.name_prefix}-dagster-tasks"
  description = "MindPulse Dagster tasks: outbound HTTPS and PostgreSQL only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "dagster_tasks_https" {
  security_group_id = aws_security_group.dagster_tasks.id
  description       = "HTTPS to AWS APIs, Snowflake and the source APIs (through the NAT gateway)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "dagster_tasks_postgres" {
  for_each = toset(var.postgres_cidr_blocks)

  security_group_id = aws_security_group.dagster_tasks.id
  description       = "PostgreSQL run storage of Dagster"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = each.value
}

# The Dagster UI has no authentication of its own: it is reachable only from the CIDR blocks the
# operator names (a VPN, or a load balancer with authentication in front).
resource "aws_security_group" "webserver" {
  name        = "${var.name_prefix}-dagster-webserver"
  description = "MindPulse Dagster UI on port 3000 from the allowed CIDR blocks"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "webserver_ui" {
  for_each = toset(var.webserver_ingress_cidr_blocks)

  security_group_id = aws_security_group.webserver.id
  description       = "Dagster UI"
  ip_protocol       = "tcp"
  from_port         = 3000
  to_port           = 3000
  cidr_ipv4         = each.value
}
